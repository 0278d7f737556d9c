import { spawnSync } from "node:child_process";
import { chmodSync, lstatSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../lib/config/load";
import * as revokeModule from "../../lib/config/revoke";
import { RevokeError, revokeInConfig } from "../../lib/config/revoke";
import { revokeCommand } from "../../cli/commands/revoke";
import { failureMessage } from "../../cli/failure";
import { buildModel } from "../../lib/model";
import { configOf, baseConfig } from "../helpers";

const ROOT = join(__dirname, "..", "..");
const example = readFileSync(join(ROOT, "accounts.yaml"), "utf8");
const orgScale = readFileSync(join(ROOT, "examples", "org-scale.yaml"), "utf8");
const AT = "2026-11-26T14:00:00Z";

/** The lines of `after` that are not in `before`, and the reverse: a line diff. */
function lineDiff(before: string, after: string): { added: string[]; removed: string[] } {
  const a = before.split("\n");
  const b = after.split("\n");
  const added = b.filter(
    (line, i) => !a.includes(line) || b.slice(0, i + 1).filter((l) => l === line).length > a.filter((l) => l === line).length,
  );
  const removed = a.filter(
    (line, i) => !b.includes(line) || a.slice(0, i + 1).filter((l) => l === line).length > b.filter((l) => l === line).length,
  );
  return { added, removed };
}

describe("vault-aws revoke edits the accounts file in place", () => {
  test("adds one line to the role, at its keys' indentation; every other byte stays", () => {
    const { text, roles } = revokeInConfig(example, "accounts.yaml", "dev/ec2-admin", AT);
    expect(lineDiff(example, text)).toEqual({ added: [`        revokeSessionsIssuedBefore: ${AT}`], removed: [] });
    expect(text.replace(`\n        revokeSessionsIssuedBefore: ${AT}`, "")).toBe(example);
    expect(roles).toEqual([{ account: "dev", role: "ec2-admin", where: "accounts[1] (dev).roles[0]", stack: "aws-dev" }]);
    const model = buildModel(parseConfig(text, "accounts.yaml"));
    expect(model.accounts[1].roles[0].revokeSessionsIssuedBefore).toBe(AT);
  });

  test("a second revoke replaces the time, nothing else", () => {
    const once = revokeInConfig(example, "accounts.yaml", "dev/ec2-admin", "2026-11-26T13:00:00Z").text;
    const twice = revokeInConfig(once, "accounts.yaml", "dev-ec2-admin", AT).text;
    expect(twice).toBe(once.replace("2026-11-26T13:00:00Z", AT));
  });

  test("a vaultRoles name revokes every role it hands out", () => {
    const { roles } = revokeInConfig(example, "accounts.yaml", "readonly-nonprod", AT);
    expect(roles.map((r) => `${r.account}/${r.role}`)).toEqual(["dev/readonly", "primary/readonly"]);
  });

  test("a one-line account's own role in flow style gets the key inside its braces", () => {
    const text =
      'requesters: { sre: { description: s } }\nbroker: { account: primary }\naccounts:\n  - { name: primary, id: "111111111111", roles: [{ name: ro, managedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess], requesters: [sre] }] }  # one line\n';
    const edited = revokeInConfig(text, "a.yaml", "primary/ro", AT).text;
    expect(edited).toBe(text.replace("requesters: [sre] }", `requesters: [sre], revokeSessionsIssuedBefore: ${AT} }`));
  });

  test("a role from a role set is refused, saying why, and nothing is written", () => {
    expect(() => revokeInConfig(orgScale, "org-scale.yaml", "payments-dev/readonly", AT)).toThrow(
      new RevokeError(
        `payments-dev/readonly comes from role set "baseline", which 30 accounts take: writing the revoke there would revoke the role in all of them. To revoke it everywhere, add revokeSessionsIssuedBefore: ${AT} to that role under roleSets.baseline yourself; nothing was written`,
      ),
    );
  });

  test("an unknown role names the closest", () => {
    expect(() => revokeInConfig(example, "accounts.yaml", "dev-ec2-admn", AT)).toThrow(
      '--role dev-ec2-admn names no role: use <account>/<role>, a Vault role such as primary-readonly, or a vaultRoles name; did you mean "dev-ec2-admin"?',
    );
  });

  test("the command writes the file atomically and prints what to apply; a bad --at writes nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "vama-revoke-"));
    const file = join(dir, "accounts.yaml");
    writeFileSync(file, example);
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [join(ROOT, "bin", "vault-aws.js"), "revoke", "--config", file, ...args], { encoding: "utf8" });
    const bad = cli("--role", "dev/ec2-admin", "--at", "yesterday");
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe(
      'vault-aws: revoke: --at "yesterday": expected an RFC 3339 time with its offset, such as "2026-11-26T13:00:00Z", got "yesterday"; nothing was written\n',
    );
    expect(readFileSync(file, "utf8")).toBe(example);
    const ok = cli("--role", "dev/ec2-admin");
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(
      /^revoke: accounts\[1\] \(dev\)\.roles\[0\]: dev\/ec2-admin: sessions issued before \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ are denied everything once applied\n/,
    );
    expect(ok.stdout).toContain("workstation: npx cdktf deploy aws-dev");
    expect(readFileSync(file, "utf8")).toMatch(/\n {8}revokeSessionsIssuedBefore: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n/);
  });
});

describe("vault-aws revoke writes like import-accounts", () => {
  const NOW = new Date("2026-11-26T14:00:00Z");
  const run = (file: string, role: string, extra: { at?: string; force?: boolean } = {}) => {
    const out: string[] = [];
    const err: string[] = [];
    // As the command line runs it: its output through the context, a failure as the one error path prints it (after "vault-aws: ").
    const ctx = { env: {}, log: (l: string) => out.push(l), write: (t: string) => out.push(t), note: (l: string) => err.push(l) };
    let code: number;
    try {
      code = revokeCommand({ config: file, role, ...extra, now: NOW }, ctx) as number;
    } catch (e) {
      err.push(failureMessage(e, file));
      code = 1;
    }
    return { code, out, err };
  };
  const fresh = (text = example) => {
    const dir = mkdtempSync(join(tmpdir(), "vama-revoke-"));
    const file = join(dir, "accounts.yaml");
    writeFileSync(file, text);
    return { dir, file };
  };

  test("through a symbolic link: the link stays, its target gets the edit, and keeps its mode", () => {
    const { dir, file } = fresh();
    chmodSync(file, 0o640);
    const link = join(dir, "link.yaml");
    symlinkSync(file, link);
    expect(run(link, "dev/ec2-admin").code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(file, "utf8")).toContain(`revokeSessionsIssuedBefore: ${AT}`);
    expect(statSync(file).mode & 0o777).toBe(0o640);
  });

  test("a file changed while the command worked is left alone", () => {
    const { file } = fresh();
    const edited = `${example}# an editor saved this meanwhile\n`;
    const original = revokeModule.revokeInConfig;
    const spy = jest.spyOn(revokeModule, "revokeInConfig").mockImplementation((...args) => {
      writeFileSync(file, edited);
      return original(...args);
    });
    try {
      expect(run(file, "dev/ec2-admin")).toEqual({
        code: 1,
        out: [],
        err: [`revoke: ${file} changed since it was read; nothing was written: run the command again`],
      });
    } finally {
      spy.mockRestore();
    }
    expect(readFileSync(file, "utf8")).toBe(edited);
  });

  describe("a role shared through a YAML anchor", () => {
    const anchored = [
      "broker: { account: primary }",
      "requesters: { developers: { description: Devs } }",
      "accounts:",
      '  - { name: primary, id: "111111111111" }',
      "  - name: dev",
      '    id: "222222222222"',
      "    roles:",
      "      - &admin { name: ec2-admin, managedPolicyArns: [arn:aws:iam::aws:policy/AmazonEC2FullAccess], requesters: [developers] }",
      "  - name: prod",
      '    id: "333333333333"',
      "    roles:",
      "      - *admin",
      "vaultRoles:",
      "  - { name: all-admins, targets: [dev/ec2-admin, prod/ec2-admin], requesters: [developers] }",
      "",
    ].join("\n");
    test.each(["dev/ec2-admin", "prod/ec2-admin"])(
      "revoking %s alone is refused, naming the role it would also reach, and nothing is written",
      (role) => {
        const { file } = fresh(anchored);
        const other = role === "dev/ec2-admin" ? "prod/ec2-admin" : "dev/ec2-admin";
        const result = run(file, role, { at: AT });
        expect(result.code).toBe(1);
        expect(result.err).toEqual([
          `revoke: ${role} is shared through a YAML anchor (&name … *name): writing the revoke there would also revoke ${other}. ` +
            `Revoke all of them with a vaultRoles name that lists them, or write revokeSessionsIssuedBefore: ${AT} where the anchor is defined yourself and apply aws-dev, aws-prod; nothing was written`,
        ]);
        expect(readFileSync(file, "utf8")).toBe(anchored);
      },
    );
    test("a vaultRoles name listing every copy revokes them all, and names both stacks", () => {
      const { file } = fresh(anchored);
      const result = run(file, "all-admins", { at: AT });
      expect(result.code).toBe(0);
      expect(result.out).toContain("  workstation: npx cdktf deploy aws-dev aws-prod");
      const config = parseConfig(readFileSync(file, "utf8"), file);
      expect(config.accounts.slice(1).map((a) => a.roles[0].revokeSessionsIssuedBefore)).toEqual([AT, AT]);
    });
  });

  describe("a time in the future", () => {
    test("is refused without --force, saying what it would do", () => {
      const { file } = fresh();
      expect(run(file, "dev/ec2-admin", { at: "2099-01-01T00:00:00Z" })).toEqual({
        code: 1,
        out: [],
        err: [
          "revoke: --at 2099-01-01T00:00:00Z is in the future: every session of the role issued until then would be denied, so the role would be unusable until 2099-01-01T00:00:00Z. " +
            "To revoke only the sessions that exist now, leave out --at; if disabling it until then is meant, add --force; nothing was written",
        ],
      });
      expect(readFileSync(file, "utf8")).toBe(example);
    });
    test("is written with --force, and the output says so", () => {
      const { file } = fresh();
      const result = run(file, "dev/ec2-admin", { at: "2099-01-01T00:00:00Z", force: true });
      expect(result.code).toBe(0);
      expect(result.out[1]).toBe(
        "revoke: 2099-01-01T00:00:00Z is in the future (--force): until then, every new session of the role is denied too",
      );
      expect(readFileSync(file, "utf8")).toContain("revokeSessionsIssuedBefore: 2099-01-01T00:00:00Z");
    });
    test("a few minutes of clock skew is not the future", () => {
      const { file } = fresh();
      expect(run(file, "dev/ec2-admin", { at: "2026-11-26T14:03:00Z" }).code).toBe(0);
    });
  });

  test("an --at that would add lines to the file is refused before anything is spliced", () => {
    expect(() => revokeInConfig(example, "accounts.yaml", "dev/ec2-admin", `${AT}\n        inlinePolicy: {}`)).toThrow(RevokeError);
  });
});

describe("permissions boundaries", () => {
  const withBoundary = (edit: (c: any) => void) => {
    const config = baseConfig();
    edit(config);
    return buildModel(configOf(config));
  };
  test("a path/name becomes each account's own policy ARN; a role's own boundary wins", () => {
    const model = withBoundary((c) => {
      c.permissionsBoundary = "vault-aws/Boundary";
      c.accounts[1].roles.push({
        name: "admin",
        managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
        permissionsBoundary: "arn:aws:iam::aws:policy/PowerUserAccess",
        requesters: ["developers"],
      });
    });
    expect(model.accounts[1].roles.map((r) => r.permissionsBoundaryArn)).toEqual([
      "arn:aws:iam::222222222222:policy/vault-aws/Boundary",
      "arn:aws:iam::aws:policy/PowerUserAccess",
    ]);
  });
  test("a default boundary of one account's ARN is refused for the others", () => {
    expect(() => withBoundary((c) => (c.permissionsBoundary = "arn:aws:iam::111111111111:policy/Boundary"))).toThrow(
      'permissionsBoundary: "arn:aws:iam::111111111111:policy/Boundary" belongs to account 111111111111, but it bounds a role in account 222222222222 (it is the default of every role): use an AWS managed policy, or the path/name of a policy each account holds (e.g. vault-aws/Boundary), which becomes that account\'s ARN',
    );
  });
  test("without one, no role has a boundary (the default synth is unchanged)", () => {
    expect(withBoundary(() => undefined).accounts[1].roles[0].permissionsBoundaryArn).toBeUndefined();
  });
});
