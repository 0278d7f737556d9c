import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig, parseConfig } from "../../lib/config/load";

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

const valid = `broker:
  account: primary
accounts:
  - name: primary
    id: "111111111111"
`;

describe("loadConfig", () => {
  test("reads and validates a file", () => {
    const dir = mkdtempSync(join(tmpdir(), "vama-load-"));
    writeFileSync(join(dir, "accounts.yaml"), valid);
    expect(loadConfig(join(dir, "accounts.yaml")).accounts[0].id).toBe("111111111111");
  });
  test("names a missing file and how to point at another", () => {
    const error = errorOf(() => loadConfig("/nonexistent/accounts.yaml"));
    expect(error.problems).toEqual([
      "/nonexistent/accounts.yaml: cannot be read (no such file); set ACCOUNTS_FILE to the accounts file to use",
    ]);
  });
});

describe("parseConfig locations", () => {
  test("points at the line and column of the bad value", () => {
    const text = valid.replace('"111111111111"', "011111111111");
    expect(errorOf(() => parseConfig(text, "a.yaml")).problems).toEqual([
      'a.yaml:5:9: accounts[0] (primary).id: got the number 11111111111: YAML reads unquoted digits as a number and drops leading zeros; quote the id, e.g. id: "011111111111"',
    ]);
  });
  test("points at an unknown key itself", () => {
    const text = `${valid}    rols: []\n`;
    expect(errorOf(() => parseConfig(text, "a.yaml")).problems).toEqual([
      'a.yaml:6:5: accounts[0] (primary): unknown key "rols": did you mean "roles"? Allowed keys are name, id, tags, roleSets, externalId, deployment, roles',
    ]);
  });
  test("points a missing field at its parent", () => {
    const text = valid.replace('    id: "111111111111"\n', "");
    expect(errorOf(() => parseConfig(text, "a.yaml")).problems).toEqual([
      "a.yaml:4:5: accounts[0] (primary).id: is required: a quoted 12-digit account id",
    ]);
  });
  test("reports YAML syntax errors with their position", () => {
    expect(errorOf(() => parseConfig("accounts: [\n", "a.yaml")).problems[0]).toMatch(/^a\.yaml:2:1: not valid YAML: /);
  });
  test("rejects keys written twice", () => {
    const text = `${valid}broker:\n  account: primary\n`;
    expect(errorOf(() => parseConfig(text, "a.yaml")).problems).toEqual([
      'a.yaml:6:1: not valid YAML: Map keys must be unique\n    5 |     id: "111111111111"\n    6 | broker:\n      | ^',
    ]);
  });
  test("a mis-indented list item is one problem, with the line, a caret and an indentation hint", () => {
    const text = `${valid}   - name: dev\n    id: "222222222222"\n`;
    expect(errorOf(() => parseConfig(text, "a.yaml")).problems).toEqual([
      "a.yaml:6:4: not valid YAML: All sequence items must start at the same column (check the indentation: the keys of one mapping, and the '-' items of one list, must start at the same column, with spaces, not tabs)\n" +
        '    5 |     id: "111111111111"\n' +
        "    6 |    - name: dev\n" +
        "      |    ^",
    ]);
  });
  test("problems come in the order of the file", () => {
    const text = `broker:\n  account: primary\nrequesters:\n  developers: {}\naccounts:\n  - name: primary\n    id: 111\n`;
    expect(errorOf(() => parseConfig(text, "a.yaml")).problems.map((p) => p.split(": ")[0])).toEqual(["a.yaml:4:15", "a.yaml:7:9"]);
  });
  test("an empty file says what is required", () => {
    expect(errorOf(() => parseConfig("", "a.yaml")).problems).toEqual([
      "a.yaml: broker: is required: a mapping",
      "a.yaml: accounts: is required: list at least one account",
    ]);
  });
  test("the error's message lists every problem under the file name", () => {
    const error = errorOf(() => parseConfig("", "a.yaml"));
    expect(error.message).toBe(
      "a.yaml is not a valid accounts file:\n  a.yaml: broker: is required: a mapping\n  a.yaml: accounts: is required: list at least one account",
    );
  });
});

describe("hostile YAML gets a config error naming the file", () => {
  const valid = [
    "broker: { account: primary }",
    "requesters: { developers: { description: Devs } }",
    "accounts:",
    '  - { name: primary, id: "111111111111" }',
  ];

  test("an alias bomb", () => {
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      ...Array.from({ length: 8 }, (_, i) => `${"bcdefghi"[i]}: &${"bcdefghi"[i]} [${Array(10).fill(`*${"abcdefgh"[i]}`).join(", ")}]`),
      ...valid,
    ];
    expect(errorOf(() => parseConfig(bomb.join("\n"), "bomb.yaml")).problems).toEqual([
      "bomb.yaml: not valid YAML: Excessive alias count indicates a resource exhaustion attack; an anchor (&name) may be reused with *name, but not expanded into an exponentially large document",
    ]);
  });

  test("a few anchors shared by many roles are fine", () => {
    const shared = [
      ...valid.slice(0, 3),
      "  - name: primary",
      '    id: "111111111111"',
      "    roles:",
      "      - { name: a, managedPolicyArns: &p [arn:aws:iam::aws:policy/ReadOnlyAccess], requesters: &q [developers] }",
      ...Array.from({ length: 30 }, (_, i) => `      - { name: r${i}, managedPolicyArns: *p, requesters: *q }`),
    ];
    expect(parseConfig(shared.join("\n"), "shared.yaml").accounts[0].roles).toHaveLength(31);
  });

  test("a file over 4 MiB, before it is read", () => {
    const dir = mkdtempSync(join(tmpdir(), "vama-big-"));
    const file = join(dir, "accounts.yaml");
    writeFileSync(file, `${valid.join("\n")}\n# ${"x".repeat(5 * 1024 * 1024)}\n`);
    expect(errorOf(() => loadConfig(file)).problems).toEqual([
      `${file}: is 5.0 MiB, over the 4 MiB an accounts file may be: the largest estate the broker's quotas allow, 10,000 roles written out in full, takes under 2 MiB; use roleSets for roles that repeat`,
    ]);
    expect(errorOf(() => parseConfig(`description: "${"x".repeat(5 * 1024 * 1024)}"`, "text.yaml")).problems[0]).toMatch(
      /^text\.yaml: is 5\.0 MiB, over the 4 MiB/,
    );
  });

  test("a __proto__ key under requesters, and a constructor key in a policy", () => {
    const text = [
      "broker: { account: primary }",
      "requesters:",
      "  developers: { description: Devs }",
      "  __proto__: { description: x }",
      "accounts:",
      '  - { name: primary, id: "111111111111", roles: [{ name: a, inlinePolicy: { constructor: 1 } }] }',
    ].join("\n");
    expect(errorOf(() => parseConfig(text, "prototype.yaml")).problems).toEqual([
      'prototype.yaml:4:3: requesters: the key "__proto__" is not allowed: it names part of how the program stores data, not a field; rename it',
      'prototype.yaml:6:77: accounts[0].roles[0].inlinePolicy: the key "constructor" is not allowed: it names part of how the program stores data, not a field; rename it',
    ]);
  });
});

describe("an unquoted account id gets the reason that applies to it", () => {
  const problemFor = (id: string) =>
    errorOf(() => parseConfig(valid.replace('"111111111111"', id), "a.yaml")).problems[0].replace(
      /^a\.yaml:5:9: accounts\[0\] \(primary\)\.id: /,
      "",
    );
  test.each([
    [
      "011111111111",
      'got the number 11111111111: YAML reads unquoted digits as a number and drops leading zeros; quote the id, e.g. id: "011111111111"',
    ],
    [
      "111111111111",
      'got the number 111111111111: YAML reads unquoted digits as a number, and an account id is a string; quote the id, e.g. id: "111111111111"',
    ],
    ["1.1e11", 'got the number 110000000000: YAML reads 1.1e11 as a number in exponent form; quote the id, e.g. id: "1.1e11"'],
    ["0x1F", 'got the number 31: YAML reads 0x1F as a hexadecimal number; quote the id, e.g. id: "0x1F"'],
    ["0o17", 'got the number 15: YAML reads 0o17 as an octal number; quote the id, e.g. id: "0o17"'],
    [
      "12345678901234567890",
      'got the number 12345678901234567000: YAML reads unquoted digits as a number, and 12345678901234567890 is too large for one to hold exactly; quote the id, e.g. id: "12345678901234567890"',
    ],
  ])("%s", (id, message) => expect(problemFor(id)).toBe(message));
});

describe("an unknown key gets the allowed key nearest it", () => {
  const roleWith = (key: string) => `${valid}    roles:\n      - name: r\n        ${key}: []\n`;
  const problemFor = (key: string) => errorOf(() => parseConfig(roleWith(key), "a.yaml")).problems[0];
  const allowed =
    "name, managedPolicyArns, inlinePolicy, maxSessionDuration, defaultTtl, maxTtl, requesters, revokeSessionsIssuedBefore, permissionsBoundary";
  test("a missing letter: managedPolicyArn", () => {
    expect(problemFor("managedPolicyArn")).toBe(
      `a.yaml:8:9: accounts[0] (primary).roles[0]: unknown key "managedPolicyArn": did you mean "managedPolicyArns"? Allowed keys are ${allowed}`,
    );
  });
  test("a case slip: ManagedPolicyARNs", () => {
    expect(problemFor("ManagedPolicyARNs")).toContain('did you mean "managedPolicyArns"?');
  });
  test("a key near nothing gets no guess, only the allowed keys", () => {
    expect(problemFor("colour")).toBe(`a.yaml:8:9: accounts[0] (primary).roles[0]: unknown key "colour": allowed keys are ${allowed}`);
  });
  test("several unknown keys: each near one gets its own guess", () => {
    const text = `${valid}    rols: []\n    tag: []\n    zzzzzz: 1\n`;
    expect(errorOf(() => parseConfig(text, "a.yaml")).problems[0]).toBe(
      'a.yaml:6:5: accounts[0] (primary): unknown keys "rols", "tag", "zzzzzz": did you mean "roles" for "rols"? did you mean "tags" for "tag"? Allowed keys are name, id, tags, roleSets, externalId, deployment, roles',
    );
  });
});
