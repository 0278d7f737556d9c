import { copyFileSync, mkdtempSync, readFileSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { explainCommand, type ExplainOptions, explainStack } from "../../cli/commands/explain";
import { synth } from "../helpers";

describe("explainStack", () => {
  const { stacks } = synth(parse(readFileSync(`${__dirname}/../../accounts.yaml`, "utf8")));

  test("prints each IAM policy as the pretty JSON AWS stores, under a heading naming it", () => {
    const text = explainStack("aws-staging", stacks["aws-staging"]);
    expect(text.startsWith("# aws-staging\n")).toBe(true);
    expect(text).toContain("## IAM role deployer: inline policy ");
    const inline = text.split("## IAM role deployer: inline policy ")[1].split("\n\n")[1];
    expect(JSON.parse(inline)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DeployLambdas",
          Effect: "Allow",
          Action: ["lambda:UpdateFunctionCode", "lambda:GetFunction"],
          Resource: "arn:aws:lambda:us-east-1:333333333333:function:*",
        },
      ],
    });
    expect(text).toContain('## IAM role ec2-admin: trust policy (max session 3600 s)\n\n{\n  "Version": "2012-10-17",');
  });
  test("prints each Vault ACL policy as plain HCL, not an escaped string", () => {
    // The requester policies live in the roles stacks; dev's roles are in vault-roles-10.
    const text = explainStack("vault-roles-10", stacks["vault-roles-10"]);
    expect(text).toContain("## Vault ACL policy aws-developers.vault-roles-10\n\n# Managed by vault-aws-multi-account.");
    expect(text).toContain('path "aws/sts/dev-ec2-admin" {\n  capabilities = ["update"]\n');
    expect(text).not.toContain("\\n");
  });
  test("prints each Vault role's body", () => {
    const text = explainStack("vault-roles-06", stacks["vault-roles-06"]);
    expect(text).toContain('## Vault write aws/roles/prod-ec2-admin\n\n{\n  "credential_type": "assumed_role",');
  });
});

describe("explain's headings read as what they are", () => {
  const { stacks } = synth(parse(readFileSync(`${__dirname}/../../accounts.yaml`, "utf8")));
  test("the config's inline policy is named as such, not 'inline policy inline'", () => {
    const text = explainStack("aws-staging", stacks["aws-staging"]);
    expect(text).toContain('## IAM role deployer: inline policy from the config (stored under the name "inline")\n');
    expect(text).not.toContain("inline policy inline");
  });
  test("a broker group names the policy it holds and why the numbers differ", () => {
    const text = explainStack("aws-primary", stacks["aws-primary"]);
    expect(text).toContain(
      "## IAM group vault-account-assume-roles-0: managed policy vault-account-assume-roles-1 attached (group k holds the broker's policies 10k+1 to 10k+10)\n",
    );
  });
});

describe("vault-aws explain reads the config as it is now", () => {
  const config = join(__dirname, "..", "..", "accounts.yaml");
  const run = (options: Partial<ExplainOptions>) => {
    const out: string[] = [];
    const notes: string[] = [];
    const code = explainCommand(
      { config, outdir: join(mkdtempSync(join(tmpdir(), "vama-explain-")), "out"), synth: true, stack: "vault-roles-10", ...options },
      { env: {}, log: (l) => out.push(l), write: (t) => out.push(t), note: (l) => notes.push(l) },
    );
    return { code, out: out.join("\n"), notes };
  };

  test("it synthesizes first, so a fresh folder is explained without a synth before it", () => {
    const result = run({});
    expect(result.code).toBe(0);
    expect(result.notes[0]).toMatch(/^explain: synth: 9 stacks in .*, 9 created/);
    expect(result.out).toContain("## Vault ACL policy aws-developers.vault-roles-10");
  });

  test("--no-synth reads the last synth, and warns when the accounts file is newer than it", () => {
    const outdir = join(mkdtempSync(join(tmpdir(), "vama-explain-")), "out");
    expect(run({ outdir }).code).toBe(0);
    const fresh = run({ outdir, synth: false });
    expect(fresh.notes).toEqual([]);
    const later = new Date(Date.now() + 60_000);
    const edited = join(mkdtempSync(join(tmpdir(), "vama-explain-")), "accounts.yaml");
    copyFileSync(config, edited);
    utimesSync(edited, later, later);
    const stale = run({ outdir, synth: false, config: edited });
    expect(stale.notes).toEqual([
      `explain: warning: ${edited} was changed after the synth in ${outdir}, so this is what the config was, not what it is; drop --no-synth to synthesize first`,
    ]);
  });

  test("--no-synth without a synth says what to run", () => {
    expect(() => run({ synth: false })).toThrow(/manifest\.json is missing: run vault-aws synth first, or drop --no-synth/);
  });
});
