import { join } from "node:path";
import { type Emulator, startEmulator } from "../sandbox/emulator";
import { brokerCredentials, ROOT, runSandbox, synthForSandbox, VAULT_SKIP_REASON } from "../sandbox/run-sandbox";
import { collector, workDir, writeConfig } from "./fixtures";

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator?.stop();
});

describe("the shipped example, applied with plain terraform per stack (the GitOps path)", () => {
  const progress = collector();
  const dir = workDir("example");
  let result: Awaited<ReturnType<typeof runSandbox>>;
  beforeAll(async () => {
    result = await runSandbox({ configFile: join(ROOT, "accounts.yaml"), workDir: dir, log: progress.log }, emulator);
  });

  test("applies every AWS stack and reports the vault stack as skipped", () => {
    expect(result.stacks.map((s) => [s.stack, s.action])).toEqual(
      expect.arrayContaining([["aws-primary", "applied"], ["aws-dev", "applied"], ["aws-staging", "applied"], ["aws-prod", "applied"], ["vault", "skipped"]]),
    );
    expect(result.stacks.find((s) => s.stack === "vault")?.detail).toBe(VAULT_SKIP_REASON);
  });
  test("a second plan of every stack has no changes", () => {
    expect(result.secondPlan).toEqual({ "aws-primary": 0, "aws-dev": 0, "aws-staging": 0, "aws-prod": 0 });
  });
  test("every Vault role's credentials are the target account's assumed role", () => {
    expect(result.checks).toHaveLength(9);
    for (const check of result.checks) {
      expect(check).toMatchObject({ ok: true });
      expect(check.detail).toMatch(new RegExp(`^arn:aws:sts::${check.target.accountId}:assumed-role/${check.target.role.name}/`));
    }
  });
  test("every role, read back from its account, holds the synthesized trust policy, session length and managed policies", () => {
    expect(result.storedRoles.map((r) => [`${r.accountName}/${r.roleName}`, r.problems])).toEqual([
      ["primary/readonly", []],
      ["dev/ec2-admin", []],
      ["dev/readonly", []],
      ["staging/ec2-admin", []],
      ["staging/deployer", []],
      ["prod/ec2-admin", []],
      ["prod/readonly", []],
    ]);
  });
  test("roles with EC2 rights could call ec2:DescribeVpcs in their account", () => {
    const ec2 = result.checks.filter((c) => c.ec2Checked).map((c) => `${c.target.vaultRole}@${c.target.accountName}`);
    expect(ec2).toEqual(expect.arrayContaining(["dev-ec2-admin@dev", "prod-ec2-admin@prod", "staging-ec2-admin@staging"]));
    expect(result.checks.find((c) => c.target.vaultRole === "staging-deployer")?.ec2Checked).toBe(false);
  });
  test("prints a table and never the broker's key", async () => {
    const text = progress.lines.join("\n");
    const { stacks, env } = await synthForSandbox(join(ROOT, "accounts.yaml"), dir, emulator.endpoint, () => undefined);
    const key = await brokerCredentials(stacks.find((s) => s.name === "aws-primary")!, env);
    expect(key.secretAccessKey.length).toBeGreaterThan(10);
    expect(text).not.toContain(key.secretAccessKey);
    expect(text).not.toContain(key.accessKeyId);
    expect(text).toContain("9 passed, 0 failed");
    expect(text).toMatch(/Vault role\s+account\s+AWS role\s+result\s+AssumeRole/);
    expect(result.ok).toBe(true);
  });
});

describe("a config with an external id, a role spanning two accounts, names with '.' and '@' and a profile-reached account, via cdktf deploy (the workstation path)", () => {
  const config = {
    vault: { mount: "aws-sandbox", defaultTtl: "15m" },
    broker: { account: "hub", userName: "vault.broker@hub" },
    accounts: [
      { name: "hub", id: "555555555555", deployment: { profile: "hub-admin" } },
      {
        name: "team-a",
        id: "666666666666",
        externalId: "team-a:ext@1",
        roles: [{ name: "ops.admin@team", managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEC2FullAccess"], requesters: ["ops"] }],
      },
      {
        name: "team-b",
        id: "777777777777",
        externalId: "team-a:ext@1",
        roles: [{ name: "read.only", managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], maxSessionDuration: "2h" }],
      },
    ],
    vaultRoles: [{ name: "ops@both", targets: ["team-a/ops.admin@team", "team-b/read.only"], requesters: ["ops"] }],
  };
  let result: Awaited<ReturnType<typeof runSandbox>>;
  beforeAll(async () => {
    const dir = workDir("tricky");
    result = await runSandbox({ configFile: writeConfig(dir, "accounts.yaml", config), workDir: dir, via: "cdktf", log: () => undefined }, emulator);
  });

  test("applies through cdktf deploy and plans no changes afterwards", () => {
    expect(result.stacks.filter((s) => s.action === "applied").map((s) => s.stack).sort()).toEqual(["aws-hub", "aws-team-a", "aws-team-b"]);
    expect(result.secondPlan).toEqual({ "aws-hub": 0, "aws-team-a": 0, "aws-team-b": 0 });
  });
  test("the spanning role reaches both accounts, sending the external id", () => {
    const spanning = result.checks.filter((c) => c.target.vaultRole === "ops@both");
    expect(spanning.map((c) => [c.target.accountId, c.target.externalId, c.ok])).toEqual([
      ["666666666666", "team-a:ext@1", true],
      ["777777777777", "team-a:ext@1", true],
    ]);
  });
  test("names with '.' and '@' come back in the assumed-role ARNs", () => {
    const own = result.checks.find((c) => c.target.vaultRole === "team-a-ops.admin@team")!;
    expect(own.ok).toBe(true);
    expect(own.detail).toMatch(/^arn:aws:sts::666666666666:assumed-role\/ops\.admin@team\//);
    expect(result.ok).toBe(true);
  });
});
