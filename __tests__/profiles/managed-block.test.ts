import { BLOCK_BEGIN, BLOCK_END, managedBlock, withManagedBlock } from "../../lib/profiles/managed-block";
import { checkNamePattern, profileName, requesterGrants } from "../../lib/profiles/profiles";
import { tokenGrants } from "../../lib/profiles/from-token";
import { iniValue, shellWord, terminalText } from "../../lib/output-text";
import { loadConfig } from "../../lib/config/load";
import { buildModel } from "../../lib/model";
import { join } from "node:path";

const p = (name: string) => ({ name, region: "us-east-1", credentialProcess: `vault-aws credentials --role ${name}` });
const other = "# my settings\r\n[default]\nregion = eu-west-1\n\n[profile mine]   \noutput = json"; // CRLF, trailing spaces, no final newline

describe("the managed block in the AWS config file", () => {
  test("appended to a file without one, everything before it kept byte for byte", () => {
    const text = withManagedBlock(other, managedBlock([p("dev-ec2-admin")]), "config", ["dev-ec2-admin"]);
    expect(text.startsWith(`${other}\n\n${BLOCK_BEGIN}\n`)).toBe(true);
    expect(text).toContain(
      "[profile dev-ec2-admin]\nregion = us-east-1\ncredential_process = vault-aws credentials --role dev-ec2-admin\n",
    );
    expect(text.endsWith(`${BLOCK_END}\n`)).toBe(true);
  });
  test("replaced in place, the text before and after it kept byte for byte", () => {
    const after = "\n[profile later]\nregion = ap-south-1\n";
    const first = withManagedBlock(other, managedBlock([p("a"), p("b")]), "config", ["a", "b"]) + after;
    const second = withManagedBlock(first, managedBlock([p("b")]), "config", ["b"]);
    expect(second).toBe(`${other}\n\n${managedBlock([p("b")])}${after}`);
  });
  test("rerunning with the same profiles changes nothing; a grant that is gone loses its profile", () => {
    const once = withManagedBlock(other, managedBlock([p("a"), p("b")]), "config", ["a", "b"]);
    expect(withManagedBlock(once, managedBlock([p("a"), p("b")]), "config", ["a", "b"])).toBe(once);
    const dropped = withManagedBlock(once, managedBlock([p("a")]), "config", ["a"]);
    expect(dropped).not.toContain("[profile b]");
    expect(dropped).toContain("[profile a]");
  });
  test("an empty file gets only the block", () => {
    expect(withManagedBlock("", managedBlock([]), "config", [])).toBe(`${BLOCK_BEGIN}\n${BLOCK_END}\n`);
  });
  test("damaged markers are refused, naming the file", () => {
    expect(() => withManagedBlock(`${BLOCK_BEGIN}\n[profile a]\n`, managedBlock([]), "/home/a/.aws/config", [])).toThrow(
      "/home/a/.aws/config: the vault-aws block's marker lines are damaged (1 begin, 0 end lines): fix or remove them by hand, then run again",
    );
    expect(() => withManagedBlock(`${BLOCK_END}\n${BLOCK_BEGIN}\n`, managedBlock([]), "c", [])).toThrow("damaged (1 begin, 1 end lines)");
  });
  test("a profile also defined outside the block is refused, not shadowed", () => {
    expect(() => withManagedBlock(other, managedBlock([p("mine")]), "c", ["mine"])).toThrow(
      "c: mine is already defined outside the vault-aws block: rename it there, or choose other names with --name",
    );
  });
});

describe("profile names and grants", () => {
  const model = buildModel(loadConfig(join(__dirname, "..", "..", "accounts.yaml")));
  test("a requester group's grants: one per Vault role and ARN, with the account's name and region", () => {
    const grants = requesterGrants(model, "auditors");
    expect(grants.length).toBeGreaterThan(1);
    for (const g of grants) expect(g.account).toBeDefined();
    expect(grants.filter((g) => g.spanning).every((g) => g.roleArn?.startsWith("arn:aws:iam::"))).toBe(true);
  });
  test("the pattern's placeholders", () => {
    const grant = { vaultRole: "readonly-nonprod", roleArn: "arn:aws:iam::222222222222:role/readonly", spanning: true, account: "dev" };
    expect(profileName("{account}-{role}", grant)).toBe("dev-readonly");
    expect(profileName("{vaultRole}.{accountId}", grant)).toBe("readonly-nonprod.222222222222");
    expect(profileName("{account}-{role}", { vaultRole: "dev-ec2-admin", spanning: false })).toBe("dev-ec2-admin");
  });
  test("a pattern with an unknown placeholder or a character a profile name cannot hold is refused", () => {
    expect(() => checkNamePattern("{acount}-{role}")).toThrow(
      '--name "{acount}-{role}": {acount} is not a placeholder: use {account}, {role}, {accountId} or {vaultRole}',
    );
    expect(() => checkNamePattern("{account} {role}")).toThrow("a profile name may hold only letters, digits and _ . @ + = -");
    expect(() => checkNamePattern("{account}]\n[x")).toThrow("a profile name may hold only");
  });
  test("from a token's resultant ACL: its STS paths, ARNs where its policy lists them, notes for what cannot be a profile", () => {
    const found = tokenGrants(
      {
        exact_paths: {
          "aws/sts/dev-ec2-admin": { capabilities: ["update"] },
          "aws/sts/readonly-nonprod": {
            capabilities: ["update"],
            allowed_parameters: { ttl: [], role_arn: ["arn:aws:iam::2:role/r", "arn:aws:iam::3:role/r"] },
          },
          "aws/sts/any-arn": { capabilities: ["update"], allowed_parameters: { role_arn: [] } },
          "aws/sts/read-only-path": { capabilities: ["read"] },
          "secret/data/x": { capabilities: ["update"] },
        },
        glob_paths: { "aws/sts/team-": { capabilities: ["update"] } },
      },
      "aws",
    );
    expect(found.grants).toEqual([
      { vaultRole: "dev-ec2-admin", spanning: false },
      { vaultRole: "readonly-nonprod", roleArn: "arn:aws:iam::2:role/r", spanning: true },
      { vaultRole: "readonly-nonprod", roleArn: "arn:aws:iam::3:role/r", spanning: true },
    ]);
    expect(found.notes).toEqual([
      expect.stringMatching(/^any-arn: your policy lets you pass any role_arn/),
      expect.stringMatching(/^aws\/sts\/team-\*: a glob path names no role/),
    ]);
  });
});

describe("the escaping boundary", () => {
  test("terminal text shows control characters instead of acting on them", () => {
    expect(terminalText("a\u001b[2Jb\r\n")).toBe("a\\x1b[2Jb\\x0d\\n");
  });
  test("shell words: plain ones bare, others single-quoted, a quote closed and escaped", () => {
    expect(shellWord("/usr/bin/node")).toBe("/usr/bin/node");
    expect(shellWord("/home/a b/vault-aws.js")).toBe("'/home/a b/vault-aws.js'");
    expect(shellWord("x'; rm -rf ~ #")).toBe(`'x'\\''; rm -rf ~ #'`);
    expect(() => shellWord("a\nb")).toThrow("holds a control character");
  });
  test("INI values cannot break a line into a new section", () => {
    expect(iniValue("us-east-1")).toBe("us-east-1");
    expect(() => iniValue("us-east-1\n[profile evil]")).toThrow("holds a line break or control character");
  });
});
