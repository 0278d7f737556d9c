import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { generatedConfig } from "../lib/config/generated";
import { offlineTerraformEnv } from "../run/terraform";
import { terraform } from "../run/runner";
import { synth } from "./helpers";

/**
 * `terraform validate` of every synthesized stack with the real providers, from the offline
 * mirrors: hashicorp/aws 5.100.0 for the AWS stacks, hashicorp/vault 5.6.0 for the vault stack.
 * Warnings count as failures: a deprecated argument (such as `managed_policy_arns`) would show up
 * here first.
 */
const env = offlineTerraformEnv(mkdtempSync(join(tmpdir(), "vama-tf-")));

async function validate(stackDir: string) {
  const init = await terraform(stackDir, ["init", "-backend=false", "-input=false"], env);
  if (init.code !== 0) throw new Error(`terraform init failed in ${stackDir}:\n${init.output}`);
  const result = await terraform(stackDir, ["validate", "-json"], env);
  return JSON.parse(result.output);
}

describe("terraform validate", () => {
  const example = parse(readFileSync(`${__dirname}/../accounts.yaml`, "utf8"));
  const { outdir, stacks } = synth(example);
  test.each(Object.keys(stacks))("%s is valid with zero warnings", async (name) => {
    expect(await validate(join(outdir, "stacks", name))).toMatchObject({ valid: true, error_count: 0, warning_count: 0, diagnostics: [] });
  });

  test("the sandbox's vault stack (engine pointed at the emulator) is valid with zero warnings", async () => {
    const sandboxed = synth(example, { sandbox: { awsEndpoint: "http://127.0.0.1:4566", stateDir: "/tmp/state" } });
    expect(await validate(join(sandboxed.outdir, "stacks", "vault"))).toMatchObject({
      valid: true,
      error_count: 0,
      warning_count: 0,
      diagnostics: [],
    });
  });

  test("a vault stack with requester bindings (identity groups, aliases, auth mount lookups) is valid with zero warnings", async () => {
    const config = structuredClone(example);
    config.requesters.developers.groups = [
      { authMount: "oidc", name: "eng-developers" },
      { authMount: "ldap/corp", name: "devs" },
    ];
    const bound = synth(config);
    expect(await validate(join(bound.outdir, "stacks", "vault"))).toMatchObject({
      valid: true,
      error_count: 0,
      warning_count: 0,
      diagnostics: [],
    });
  });

  test("a keyless broker's stacks (the role looked up with its ARN check, attachments; an engine without a key) are valid with zero warnings", async () => {
    const config = structuredClone(example);
    config.broker = { account: "primary", identity: "role", roleName: "vault-server" };
    config.accounts.find((a: any) => a.name === "prod").roles[0].maxTtl = "1h";
    const keyless = synth(config);
    for (const name of ["aws-primary", "vault"]) {
      expect(await validate(join(keyless.outdir, "stacks", name))).toMatchObject({
        valid: true,
        error_count: 0,
        warning_count: 0,
        diagnostics: [],
      });
    }
  });

  test("the pipeline's stacks (OIDC provider, plan and apply roles, vault-aws-plan, JWT roles) and a rotating engine are valid with zero warnings", async () => {
    const config = structuredClone(example);
    config.pipeline = { account: "primary", github: { repository: "acme/vault-config" }, planRoles: true };
    config.broker = { ...config.broker, keyGeneration: 2 };
    const piped = synth(config);
    for (const name of ["pipeline", "vault-pipeline", "aws-dev", "vault"]) {
      expect([name, await validate(join(piped.outdir, "stacks", name))]).toMatchObject([
        name,
        { valid: true, error_count: 0, warning_count: 0, diagnostics: [] },
      ]);
    }
  });

  test("a broker large enough to need several groups is valid with zero warnings", async () => {
    // 1,500 accounts × 2 roles: 22 policies, through 3 groups of at most 10.
    const { outdir: big, stacks: bigStacks } = synth(generatedConfig(1500, 2));
    expect(Object.keys(bigStacks["aws-primary"].resource.aws_iam_group)).toHaveLength(3);
    expect(await validate(join(big, "stacks", "aws-primary"))).toMatchObject({ valid: true, warning_count: 0, diagnostics: [] });
  });
});
