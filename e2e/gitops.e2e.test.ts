import { cpSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DeleteRoleCommand, DetachRolePolicyCommand, IAMClient, ListAttachedRolePoliciesCommand } from "@aws-sdk/client-iam";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { parse, stringify } from "yaml";
import { accessOf } from "../lib/access";
import { loadConfig } from "../lib/config/load";
import { buildModel } from "../lib/model";
import { showPlan } from "../run/runner";
import { SANDBOX_KEY } from "../sandbox/profiles";
import { ROOT, runSandbox, synthForSandbox } from "../sandbox/run-sandbox";
import { collector, runVaultAws, sandboxServers, type VaultAwsRun, workDir } from "./fixtures";

/**
 * The GitOps loop against the emulator with the S3 state backend on the emulator's S3 (its lock
 * file included) and a real Vault: apply the example, change the config in a pull request,
 * `changes`, `plan`, `apply --plans`, `drift`, drift made behind Terraform's back, and two applies
 * racing on the same state.
 */
const servers = sandboxServers("gitops");
const dir = workDir("gitops");
const progress = collector();
const BUCKET = "vama-e2e-state";

/** The example config with its state in the emulator's S3. */
function exampleWithS3(): any {
  const config = parse(readFileSync(join(ROOT, "accounts.yaml"), "utf8"));
  return { state: { s3: { bucket: BUCKET, region: "us-east-1", keyPrefix: "vault-aws" } }, ...config };
}

const configFile = join(dir, "accounts.yaml");
const write = (data: unknown) => require("node:fs").writeFileSync(configFile, stringify(data));

/** `vault-aws <args>` as a pipeline step runs it, with the sandbox's Terraform environment and the Vault token. */
async function vaultAws(args: string[]): Promise<VaultAwsRun> {
  const { env } = await synthForSandbox(configFile, dir, servers.emulator.endpoint, () => undefined);
  return runVaultAws(args, {
    cwd: dir,
    env: { ...env, ...servers.vault.env, ACCOUNTS_FILE: configFile, CDKTF_OUTDIR: join(dir, "cdktf.out") },
    log: progress.log,
  });
}

/** The run, or a failure that shows what the command printed. */
function succeeded(run: VaultAwsRun) {
  if (run.code !== 0) throw new Error(`exit ${run.code}\n${run.stdout}\n${run.stderr}`);
  return run;
}

const planFiles = (plans: string) =>
  readdirSync(plans)
    .filter((f) => f.endsWith(".tfplan"))
    .map((f) => f.replace(/\.tfplan$/, ""))
    .sort();

describe("the GitOps loop on the emulator, state in S3", () => {
  const before = exampleWithS3();
  const after = exampleWithS3();
  // The pull request: add an account, give auditors one more role, remove prod.
  after.accounts.push({
    name: "qa",
    id: "555555555555",
    roles: [{ name: "tester", managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], requesters: ["developers"] }],
  });
  after.accounts
    .find((a: any) => a.name === "staging")
    .roles.find((r: any) => r.name === "ec2-admin")
    .requesters.push("auditors");
  after.accounts = after.accounts.filter((a: any) => a.name !== "prod");
  const base = join(dir, "base");
  const plans = join(dir, "plans");

  test("1. the example applies with its state in the emulator's S3", async () => {
    write(before);
    const result = await runSandbox({ configFile, workDir: dir, vault: servers.vault, log: progress.log }, servers.emulator);
    expect(result.ok).toBe(true);
    const s3 = new S3Client({
      endpoint: servers.emulator.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "sandbox", secretAccessKey: "sandbox" },
    });
    const keys = ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((o) => o.Key).sort();
    expect(keys).toEqual(result.stacks.map((s) => `vault-aws/${s.stack}.tfstate`).sort());
    // Nothing local: the sandbox's local state folder holds no state file.
    expect(existsSync(join(dir, "state")) ? readdirSync(join(dir, "state")).filter((f) => f.includes("tfstate")) : []).toEqual([]);
    cpSync(join(dir, "cdktf.out"), base, { recursive: true });
  });

  test("3. changes --json lists exactly the stacks the pull request touches, and the access it changes", async () => {
    write(after);
    const run = succeeded(await vaultAws(["changes", "--base", base, "--json"]));
    const changes = JSON.parse(run.stdout);
    const oldModel = buildModel(loadConfig(configFileFor(before)));
    const newModel = buildModel(loadConfig(configFile));
    // The Vault roles stacks that hold a role of qa, of prod (their roles leave) or staging-ec2-admin (a new requester).
    const rolesStack = (model: typeof newModel, pick: (name: string) => boolean) =>
      model.vaultRoles.filter((r) => pick(r.name)).map((r) => r.stackName);
    const expectedRoles = new Set([
      ...rolesStack(newModel, (n) => n.startsWith("qa-") || n === "staging-ec2-admin"),
      ...rolesStack(oldModel, (n) => n.startsWith("prod-")),
    ]);
    expect(changes.create).toEqual(["aws-qa"]);
    expect(changes.destroy).toEqual(["aws-prod"]);
    // vault does not change: the requester policies live in the roles stacks (issue 21).
    expect(changes.update).toEqual(["aws-primary", ...[...expectedRoles].sort()]);
    // A roles stack waits for the AWS stacks of its roles' accounts that change (primary, qa); one
    // that holds none of their roles goes in the first wave, beside them.
    const afterAws = new Set(rolesStack(newModel, (n) => n.startsWith("qa-") || n.startsWith("primary-")));
    const first = [...expectedRoles].filter((name) => !afterAws.has(name));
    const second = [...expectedRoles].filter((name) => afterAws.has(name));
    expect(second.length).toBeGreaterThan(0);
    expect(changes.waves).toEqual([["aws-primary", "aws-qa", ...first].sort(), second.sort(), ["aws-prod"]]);
    expect(changes.access.granted).toEqual([
      { requester: "auditors", vaultRole: "staging-ec2-admin", roleArn: "arn:aws:iam::333333333333:role/ec2-admin" },
      { requester: "developers", vaultRole: "qa-tester", roleArn: "arn:aws:iam::555555555555:role/tester" },
    ]);
    const prodGrants = accessOf(oldModel)
      .filter((g) => g.accountName === "prod")
      .map(({ requester, vaultRole, roleArn }) => ({ requester, vaultRole, roleArn }));
    expect(prodGrants.length).toBeGreaterThan(0);
    expect(changes.access.revoked).toEqual(prodGrants);
  });

  test("4. plan writes plans for exactly those stacks, and a summary that flags the prod roles' deletion", async () => {
    const run = succeeded(await vaultAws(["plan", "--base", base, "--out", plans]));
    const summary = JSON.parse(readFileSync(join(plans, "summary.json"), "utf8"));
    expect(planFiles(plans)).toEqual([...summary.changes.create, ...summary.changes.update, ...summary.changes.destroy].sort());
    // Each plan's text beside it: the changes, none of terraform's per-resource refresh lines.
    const qaText = readFileSync(join(plans, "aws-qa.txt"), "utf8");
    expect(qaText).toMatch(/# aws_iam_role\.[^ ]+ will be created/);
    expect(qaText).not.toContain("Refreshing state");
    expect(qaText).not.toContain("\u001b["); // -no-color
    expect(summary.stacks["aws-qa"]).toMatchObject({ planText: "aws-qa.txt", planTextBytes: Buffer.byteLength(qaText) });
    // The destroy plan of aws-prod deletes its resources and nothing else.
    const prod = await showPlan(
      "aws-prod",
      join(plans, "stacks", "aws-prod"),
      join(plans, "aws-prod.tfplan"),
      (await synthForSandbox(configFile, dir, servers.emulator.endpoint, () => undefined)).env,
    );
    expect(prod.length).toBeGreaterThan(0);
    for (const c of prod) expect(c.actions).toEqual(["delete"]);
    expect(summary.stacks["aws-qa"]).toMatchObject({ predicted: "create", destroy: 0 });
    const md = readFileSync(join(plans, "summary.md"), "utf8");
    expect(md).toMatch(/### ⚠️ \d+ danger flags/);
    expect(md).toMatch(/\*\*aws-prod\*\* `aws_iam_role\.[^`]+`: destroys an assumable IAM role/);
    expect(md).toContain("developers may now request qa-tester: arn:aws:iam::555555555555:role/tester");
    expect(md).toContain("sre may no longer request prod-ec2-admin: arn:aws:iam::444444444444:role/ec2-admin");
    // Nothing outside what changes predicted.
    expect(summary.danger.filter((d: any) => /did not change/.test(d.reason))).toEqual([]);
  });

  test("5-6. apply --plans applies them in waves, and drift then finds every stack in sync", async () => {
    const apply = succeeded(await vaultAws(["apply", "--plans", plans]));
    expect(apply.stdout).toMatch(/apply: done, \d+ plans applied/);
    const drift = await vaultAws(["drift", "--json"]);
    expect(drift.code).toBe(0);
    const report = JSON.parse(drift.stdout);
    expect(report).toMatchObject({ drifted: [], failed: [], skipped: [] });
    expect(report.inSync).toBe(readdirSync(join(dir, "cdktf.out", "stacks")).length);
    // A rerun of the same apply has nothing left to do.
    const again = await vaultAws(["apply", "--plans", plans]);
    expect(again.stdout).toContain("apply: 0 plans to apply");
  });

  test("7. a role deleted behind Terraform's back: drift names its stack and resource and exits 2", async () => {
    const sts = new STSClient({
      endpoint: servers.emulator.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: SANDBOX_KEY.AWS_ACCESS_KEY_ID, secretAccessKey: SANDBOX_KEY.AWS_SECRET_ACCESS_KEY },
    });
    const { Credentials: c } = await sts.send(
      new AssumeRoleCommand({ RoleArn: "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole", RoleSessionName: "e2e-drift" }),
    );
    const iam = new IAMClient({
      endpoint: servers.emulator.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken },
    });
    for (const p of (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: "readonly" }))).AttachedPolicies ?? []) {
      await iam.send(new DetachRolePolicyCommand({ RoleName: "readonly", PolicyArn: p.PolicyArn }));
    }
    await iam.send(new DeleteRoleCommand({ RoleName: "readonly" }));
    const drift = await vaultAws(["drift", "--json"]);
    expect(drift.code).toBe(2);
    const report = JSON.parse(drift.stdout);
    expect(report.drifted.map((d: any) => d.stack)).toEqual(["aws-dev"]);
    expect(report.drifted[0].resources.map((r: any) => r.address)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^aws_iam_role\./)]),
    );
  });

  test("8. two applies racing on the same state: one applies, the other waits on the lock and refuses its stale plan; nothing is lost", async () => {
    const deployed = join(dir, "base-2");
    cpSync(join(dir, "cdktf.out"), deployed, { recursive: true });
    after.accounts.push({
      name: "qa2",
      id: "666666666666",
      roles: [{ name: "tester", managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], requesters: ["developers"] }],
    });
    write(after);
    const racePlans = join(dir, "race-plans");
    const plan = succeeded(await vaultAws(["plan", "--base", deployed, "--out", racePlans]));
    // The added account's roles stack, not vault, carries its Vault side (issue 21).
    expect(planFiles(racePlans)).toEqual(expect.arrayContaining(["aws-primary", "aws-qa2"]));
    expect(planFiles(racePlans).filter((name) => name.startsWith("vault"))).toEqual([expect.stringMatching(/^vault-roles-\d\d$/)]);
    const [a, b] = await Promise.all([
      vaultAws(["apply", "--plans", racePlans, "--parallelism", "1"]),
      vaultAws(["apply", "--plans", racePlans, "--parallelism", "1"]),
    ]);
    expect([a.code, b.code].sort()).toEqual([0, 1]);
    const loser = a.code === 0 ? b : a;
    expect(loser.stderr).toMatch(/saved plan is stale \(the state changed since it was planned\); run vault-aws plan again/);
    expect(loser.stderr).toMatch(/apply stopped in wave 1; \d+ stacks of later waves are not applied/);
    // Every planned stack is applied once and in sync; the only drift left is step 7's deleted role.
    const drift = await vaultAws(["drift", "--json"]);
    expect(drift.code).toBe(2);
    expect(JSON.parse(drift.stdout)).toMatchObject({ drifted: [expect.objectContaining({ stack: "aws-dev" })], failed: [] });
  });
});

function configFileFor(data: unknown): string {
  const file = join(dir, "before.yaml");
  require("node:fs").writeFileSync(file, stringify(data));
  return file;
}
