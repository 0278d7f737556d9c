import { GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { terraform } from "../run/runner";
import { plannedChanges } from "../sandbox/deploy";
import { type Emulator, startEmulator } from "../sandbox/emulator";
import { runSandbox, synthForSandbox, VAULT_SKIP_REASON } from "../sandbox/run-sandbox";
import { collector, smallConfig, workDir, writeConfig } from "./fixtures";

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator?.stop();
});

const qa = {
  name: "qa",
  id: "333333333333",
  roles: [{ name: "ec2-admin", managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEC2FullAccess"], requesters: ["developers"] }],
};

describe("adding an account, then removing it", () => {
  const dir = workDir("lifecycle");
  const before = writeConfig(dir, "before.yaml", smallConfig());
  const withQa = smallConfig();
  withQa.accounts.push(qa);
  const after = writeConfig(dir, "after.yaml", withQa);
  const progress = collector();

  test("the first apply works; without a Vault server the vault stack is reported as not applied", async () => {
    const result = await runSandbox({ configFile: before, workDir: dir, log: progress.log }, emulator);
    expect(result.ok).toBe(true);
    expect(result.stacks.find((s) => s.stack === "vault")).toMatchObject({ action: "skipped", detail: VAULT_SKIP_REASON });
  });

  test("the plan for the added account creates its stack and only adds to or updates the others", async () => {
    const { stacks, env } = await synthForSandbox(after, dir, emulator.endpoint, progress.log);
    const changes = Object.fromEntries(
      await Promise.all(stacks.filter((s) => s.name !== "vault").map(async (s) => [s.name, await plannedChanges(s, env)] as const)),
    );
    const actions = (stack: string) =>
      changes[stack].filter((c) => c.actions[0] !== "no-op").map((c) => `${c.actions.join("+")} ${c.address.split(".")[0]}`);
    expect(actions("aws-qa").sort()).toEqual(["create aws_iam_role", "create aws_iam_role_policy_attachment"]);
    expect(actions("aws-dev")).toEqual([]);
    // The broker's policy gains the new ARN in place; nothing anywhere is deleted or replaced.
    expect(actions("aws-primary")).toEqual(["update aws_iam_policy"]);
    for (const list of Object.values(changes)) for (const c of list) expect(c.actions).not.toContain("delete");
  });

  test("after applying it, the new role and every role that worked before work", async () => {
    const result = await runSandbox({ configFile: after, workDir: dir, log: progress.log }, emulator);
    expect(result.ok).toBe(true);
    expect(result.checks.map((c) => c.target.vaultRole).sort()).toEqual(["dev-ec2-admin", "primary-readonly", "qa-ec2-admin"]);
  });

  test("removing it destroys its stack, and its role is gone from the account and from the broker's policy", async () => {
    const result = await runSandbox({ configFile: before, workDir: dir, log: progress.log }, emulator);
    expect(result.stacks.filter((s) => s.action === "destroyed").map((s) => [s.stack, s.detail])).toEqual([["aws-qa", "-2"]]);
    expect(result.ok).toBe(true);
    expect(result.checks.map((c) => c.target.vaultRole).sort()).toEqual(["dev-ec2-admin", "primary-readonly"]);

    // moto does not evaluate policies, so "no longer assumable" is shown by what AWS would evaluate:
    // the role no longer exists in its account...
    const inQa = await new STSClient({
      endpoint: emulator.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "sandbox", secretAccessKey: "sandbox" },
    }).send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::333333333333:role/OrganizationAccountAccessRole", RoleSessionName: "e2e" }));
    const c = inQa.Credentials!;
    const iam = new IAMClient({
      endpoint: emulator.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken },
    });
    await expect(iam.send(new GetRoleCommand({ RoleName: "ec2-admin" }))).rejects.toThrow(/not found|cannot be found|NoSuchEntity/i);
    // ...and the broker's policy no longer names it.
    const { stacks, env } = await synthForSandbox(before, dir, emulator.endpoint, () => undefined);
    const state = await terraform(stacks.find((s) => s.name === "aws-primary")!.dir, ["show", "-json"], env);
    expect(state.output).toContain("arn:aws:iam::222222222222:role/ec2-admin");
    expect(state.output).not.toContain("arn:aws:iam::333333333333:role/ec2-admin");
  });
});
