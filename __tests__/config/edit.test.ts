import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { type AccountEntry, appendAccounts, applyEdits, ConfigEditError, editAccountsFile, setOrganizationId } from "../../lib/config/edit";
import { parseConfig } from "../../lib/config/load";

const ROOT = join(__dirname, "..", "..");
const example = readFileSync(join(ROOT, "accounts.yaml"), "utf8");
const orgScale = readFileSync(join(ROOT, "examples", "org-scale.yaml"), "utf8");

const entry = (name: string, id: string, tags: string[] = [], roleSets: string[] = []): AccountEntry => ({ name, id, tags, roleSets });

/** The text an edit inserts, and proof that every other byte is the original's, in place. */
function inserted(original: string, result: string, offset: number): string {
  const added = result.length - original.length;
  expect(result.slice(0, offset)).toBe(original.slice(0, offset));
  expect(result.slice(offset + added)).toBe(original.slice(offset));
  return result.slice(offset, offset + added);
}

describe("appendAccounts: block style", () => {
  test("appends after the last entry's last line, blank-line separated as the entries are, and keeps every other byte", () => {
    const edit = appendAccounts(example, [
      entry("search-dev", "300000000001", ["nonprod"], ["baseline"]),
      entry("search-prod", "300000000002"),
    ]);
    const result = applyEdits(example, [edit]);
    expect(inserted(example, result, edit.offset)).toBe(
      [
        "",
        "  - name: search-dev",
        '    id: "300000000001"',
        "    tags: [nonprod]",
        "    roleSets: [baseline]",
        "",
        "  - name: search-prod",
        '    id: "300000000002"',
        "",
      ].join("\n"),
    );
    // Right after prod's last role, before the blank line and the comment-led vaultRoles: that follow.
    expect(example.slice(0, edit.offset).endsWith("        requesters: [sre]\n")).toBe(true);
    expect(example.slice(edit.offset).startsWith("\nvaultRoles:\n  # One Vault role")).toBe(true);
  });

  test("no blank line between new entries where the last two entries have none", () => {
    const text = 'broker: { account: a }\naccounts:\n- name: a\n  id: "111111111111"\n- name: b\n  id: "222222222222"\n';
    const result = applyEdits(text, [appendAccounts(text, [entry("c", "333333333333")])]);
    expect(result).toBe(`${text}- name: c\n  id: "333333333333"\n`);
  });

  test("a comment on the last entry's last line stays on it; comment lines after the entry stay after the new ones", () => {
    const text =
      'broker: { account: a }\naccounts:\n  - name: a\n    id: "111111111111"   # the management account\n  # retired: b (222222222222)\n\n# vault roles\nvaultRoles: []\n';
    const result = applyEdits(text, [appendAccounts(text, [entry("c", "333333333333")])]);
    expect(result).toBe(
      'broker: { account: a }\naccounts:\n  - name: a\n    id: "111111111111"   # the management account\n  - name: c\n    id: "333333333333"\n  # retired: b (222222222222)\n\n# vault roles\nvaultRoles: []\n',
    );
  });

  test("the key column and quotes follow the last entry", () => {
    const text = "broker: { account: a }\naccounts:\n    -   name: a\n        id: '111111111111'\n";
    const result = applyEdits(text, [appendAccounts(text, [entry("b", "222222222222")])]);
    expect(result).toBe(`${text}    -   name: b\n        id: '222222222222'\n`);
  });

  test("a file that ends without a newline gets one before the new entry", () => {
    const text = 'broker: { account: a }\naccounts:\n  - name: a\n    id: "111111111111"';
    expect(applyEdits(text, [appendAccounts(text, [entry("b", "222222222222")])])).toBe(`${text}\n  - name: b\n    id: "222222222222"\n`);
  });

  test("a file with CRLF line endings keeps them", () => {
    const text = 'broker: { account: a }\r\naccounts:\r\n  - name: a\r\n    id: "111111111111"\r\nvaultRoles: []\r\n';
    const result = applyEdits(text, [appendAccounts(text, [entry("b", "222222222222", ["eu"])])]);
    expect(result).toBe(
      'broker: { account: a }\r\naccounts:\r\n  - name: a\r\n    id: "111111111111"\r\n  - name: b\r\n    id: "222222222222"\r\n    tags: [eu]\r\nvaultRoles: []\r\n',
    );
  });

  test("values YAML would read as something else are quoted", () => {
    const text = 'broker: { account: a }\naccounts:\n  - name: a\n    id: "111111111111"\n';
    const result = applyEdits(text, [appendAccounts(text, [entry("123", "222222222222", ["null", "true"], ["1e5"])])]);
    expect(inserted(text, result, text.length)).toBe(
      '  - name: "123"\n    id: "222222222222"\n    tags: ["null", "true"]\n    roleSets: ["1e5"]\n',
    );
    expect(parse(result).accounts[1]).toEqual({ name: "123", id: "222222222222", tags: ["null", "true"], roleSets: ["1e5"] });
  });
});

describe("appendAccounts: flow style", () => {
  test("one-line entries like the last one, with id: in the same column, before the blank line that ends the list", () => {
    const edit = appendAccounts(orgScale, [
      entry("search-qa", "230000000004", ["nonprod", "search"], ["baseline", "nonprod"]),
      entry("platform-engineering-prod", "290000000001"),
    ]);
    const result = applyEdits(orgScale, [edit]);
    expect(inserted(orgScale, result, edit.offset)).toBe(
      [
        '  - { name: search-qa,         id: "230000000004", tags: [nonprod, search], roleSets: [baseline, nonprod] }',
        '  - { name: platform-engineering-prod, id: "290000000001" }',
        "",
      ].join("\n"),
    );
    const lines = result.split("\n");
    const last = lines.findIndex((line) => line.includes("analytics-prod,"));
    expect(lines[last + 1].indexOf("id:")).toBe(lines[last].indexOf("id:"));
    expect(orgScale.slice(edit.offset).startsWith("\nvaultRoles:")).toBe(true);
  });

  test("no padding inside the braces where the last entry has none", () => {
    const text = 'broker: { account: a }\naccounts:\n  - {name: a, id: "111111111111"}\n';
    expect(applyEdits(text, [appendAccounts(text, [entry("b", "222222222222")])])).toBe(`${text}  - {name: b, id: "222222222222"}\n`);
  });

  test("a flow list of accounts is refused, naming where it is", () => {
    const text = 'broker: { account: a }\naccounts: [{ name: a, id: "111111111111" }]\n';
    expect(() => appendAccounts(text, [entry("b", "222222222222")], "x.yaml")).toThrow(
      new ConfigEditError(
        'x.yaml:2:11: accounts: is a flow list ([...]); new entries are appended to a block list (one "- " item per entry): write accounts: that way first',
      ),
    );
  });
});

describe("setOrganizationId", () => {
  test("a block broker: gets the key on a line of its own after its last key, comments kept", () => {
    const edit = setOrganizationId(example, "o-a1b2c3d4e5");
    const result = applyEdits(example, [edit]);
    expect(inserted(example, result, edit.offset)).toBe("  organizationId: o-a1b2c3d4e5\n");
    expect(result).toContain(
      "broker:\n  account: primary          # the account holding the broker user\n  userName: vault-account\n  organizationId: o-a1b2c3d4e5\n\ndeployment:",
    );
  });

  test("a flow broker: gets it after its last pair", () => {
    const text = 'broker: { account: a }   # the broker\naccounts:\n  - { name: a, id: "111111111111" }\n';
    expect(applyEdits(text, [setOrganizationId(text, "o-a1b2c3d4e5")])).toBe(
      'broker: { account: a, organizationId: o-a1b2c3d4e5 }   # the broker\naccounts:\n  - { name: a, id: "111111111111" }\n',
    );
  });
});

describe("editAccountsFile", () => {
  test("both edits at once: the result is valid, reads back as the old data plus the new, and differs only by added lines", () => {
    const result = editAccountsFile(orgScale, {
      entries: [entry("search-qa", "230000000004", ["nonprod"], ["baseline", "nonprod"])],
      organizationId: "o-a1b2c3d4e5",
    });
    const config = parseConfig(result, "org-scale.yaml");
    expect(config.broker.organizationId).toBe("o-a1b2c3d4e5");
    expect(config.accounts.at(-1)).toMatchObject({
      name: "search-qa",
      id: "230000000004",
      tags: ["nonprod"],
      roleSets: ["baseline", "nonprod"],
    });
    const before = orgScale.split("\n");
    const after = result.split("\n");
    expect(after.filter((line) => !before.includes(line))).toEqual([
      "  organizationId: o-a1b2c3d4e5",
      '  - { name: search-qa,         id: "230000000004", tags: [nonprod], roleSets: [baseline, nonprod] }',
    ]);
    expect(after.filter((line) => before.includes(line))).toEqual(before);
  });

  test("nothing to add: the text itself", () => {
    expect(editAccountsFile(example, { entries: [] })).toBe(example);
  });
});
