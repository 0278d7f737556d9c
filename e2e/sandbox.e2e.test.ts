import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Emulator, startEmulator } from "../sandbox/emulator";
import { ROOT, runSandbox, synthForSandbox } from "../sandbox/run-sandbox";
import type { VaultServer } from "../sandbox/vault-server";
import { collector, startTestVault, workDir, writeConfig } from "./fixtures";

let emulator: Emulator;
let vault: VaultServer;
const vaultDir = workDir("sandbox-vault");
beforeAll(async () => {
  emulator = await startEmulator();
  vault = await startTestVault(vaultDir);
});
afterAll(async () => {
  await emulator?.stop();
  await vault?.stop();
});

describe("the shipped example, applied with plain terraform per stack (the GitOps path), Vault included", () => {
  const progress = collector();
  const dir = workDir("example");
  let result: Awaited<ReturnType<typeof runSandbox>>;
  beforeAll(async () => {
    result = await runSandbox({ configFile: join(ROOT, "accounts.yaml"), workDir: dir, vault, log: progress.log }, emulator);
  });

  test("applies every AWS stack, then the vault stack, then the vault-roles-NN stacks", () => {
    const names = result.stacks.map((s) => s.stack);
    expect(result.stacks.every((s) => s.action === "applied")).toBe(true);
    expect(names.slice(0, 4).sort()).toEqual(["aws-dev", "aws-primary", "aws-prod", "aws-staging"]);
    expect(names[4]).toBe("vault");
    expect(names.slice(5).sort()).toEqual(["vault-roles-01", "vault-roles-03", "vault-roles-06", "vault-roles-10"]);
    for (const s of result.stacks.slice(4)) expect(s.detail).toMatch(/^\+\d+ ~0 -0$/);
  });
  test("a second plan of every stack, the Vault stacks included, has no changes", () => {
    expect(result.secondPlan).toEqual({
      "aws-primary": 0,
      "aws-dev": 0,
      "aws-staging": 0,
      "aws-prod": 0,
      vault: 0,
      "vault-roles-01": 0,
      "vault-roles-03": 0,
      "vault-roles-06": 0,
      "vault-roles-10": 0,
    });
  });
  test("through Vault, every requester group granted a role got credentials for each of its ARNs, with its own token", () => {
    const viaVault = result.checks.filter((c) => c.source === "vault write");
    expect(viaVault.map((c) => `${c.requester} ${c.target.vaultRole} ${c.target.accountName}`).sort()).toEqual([
      "auditors primary-readonly primary",
      "auditors readonly-nonprod dev",
      "auditors readonly-nonprod primary",
      "developers dev-ec2-admin dev",
      "developers dev-readonly dev",
      "developers staging-deployer staging",
      "developers staging-ec2-admin staging",
      "sre dev-readonly dev",
      "sre primary-readonly primary",
      "sre prod-ec2-admin prod",
      "sre prod-readonly prod",
      "sre staging-ec2-admin staging",
    ]);
    for (const check of viaVault) {
      expect(check).toMatchObject({ ok: true, leaseSeconds: check.target.ttlSeconds });
      expect(check.detail).toMatch(new RegExp(`^arn:aws:sts::${check.target.accountId}:assumed-role/${check.target.role.name}/`));
    }
  });
  test("the root token is never printed, nor written anywhere in the work dirs", () => {
    const token = vault.env.VAULT_TOKEN;
    expect(progress.lines.join("\n")).not.toContain(token);
    for (const folder of [dir, vaultDir]) {
      for (const file of readdirSync(folder, { recursive: true, withFileTypes: true }).filter((f) => f.isFile())) {
        expect(readFileSync(join(file.parentPath, file.name), "utf8")).not.toContain(token);
      }
    }
    expect(readFileSync(vault.logFile, "utf8")).toContain("Root Token: (not shown)");
  });
  test("every Vault role's credentials are the target account's assumed role", () => {
    const direct = result.checks.filter((c) => c.source === "broker AssumeRole");
    expect(direct).toHaveLength(9);
    for (const check of direct) {
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
  test("prints a table and never the broker's key (whose secret only Vault holds)", async () => {
    const text = progress.lines.join("\n");
    const keyId = (await vault.root.read("aws/config/root")).data!.access_key as string;
    expect(keyId.length).toBeGreaterThan(10);
    expect(text).not.toContain(keyId);
    expect(text).toContain("21 passed, 0 failed");
    expect(text).toContain("9 Vault role ARNs: 9/9 assumed with the broker's key; 12/12 issued through Vault");
    expect(text).toMatch(/Vault role\s+account\s+AWS role\s+result\s+AssumeRole\s+via Vault/);
    expect(text).toMatch(
      /readonly-nonprod\s+dev \(222222222222\)\s+readonly\s+ok \(\+ec2:DescribeVpcs\)\s+\d+ ms\s+auditors: \d+ ms, lease 1h/,
    );
    expect(result.ok).toBe(true);
  });
});

describe("a config with an external id, a role spanning two accounts, names with '.' and '@' and a profile-reached account, via cdktf deploy (the workstation path)", () => {
  const config = {
    vault: { mount: "aws-sandbox", defaultTtl: "15m" },
    broker: { account: "hub", userName: "vault.broker@hub" },
    requesters: { ops: { description: "Operators" } },
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
    result = await runSandbox(
      { configFile: writeConfig(dir, "accounts.yaml", config), workDir: dir, via: "cdktf", vault, log: () => undefined },
      emulator,
    );
  });

  test("applies through cdktf deploy, the vault stack included, and plans no changes afterwards", () => {
    // team-a's role, team-b's and the spanning ops@both hash to vault-roles-12, -10 and -01.
    expect(
      result.stacks
        .filter((s) => s.action === "applied")
        .map((s) => s.stack)
        .sort(),
    ).toEqual(["aws-hub", "aws-team-a", "aws-team-b", "vault", "vault-roles-01", "vault-roles-10", "vault-roles-12"]);
    expect(result.secondPlan).toEqual({
      "aws-hub": 0,
      "aws-team-a": 0,
      "aws-team-b": 0,
      vault: 0,
      "vault-roles-01": 0,
      "vault-roles-10": 0,
      "vault-roles-12": 0,
    });
  });
  test("the spanning role reaches both accounts, sending the external id, with the broker's key and through Vault with role_arn", () => {
    const spanning = result.checks.filter((c) => c.target.vaultRole === "ops@both");
    expect(spanning.map((c) => [c.source, c.requester, c.target.accountId, c.target.externalId, c.ok])).toEqual([
      ["broker AssumeRole", undefined, "666666666666", "team-a:ext@1", true],
      ["broker AssumeRole", undefined, "777777777777", "team-a:ext@1", true],
      ["vault write", "ops", "666666666666", "team-a:ext@1", true],
      ["vault write", "ops", "777777777777", "team-a:ext@1", true],
    ]);
  });
  test("a role no requester group is granted is still proven through Vault, with the root token", () => {
    expect(result.checks.filter((c) => c.target.vaultRole === "team-b-read.only").map((c) => [c.source, c.requester, c.ok])).toEqual([
      ["broker AssumeRole", undefined, true],
      ["vault write", "(root token)", true],
    ]);
  });
  test("names with '.' and '@' come back in the assumed-role ARNs", () => {
    const own = result.checks.find((c) => c.target.vaultRole === "team-a-ops.admin@team" && c.source === "vault write")!;
    expect(own.ok).toBe(true);
    expect(own.detail).toMatch(/^arn:aws:sts::666666666666:assumed-role\/ops\.admin@team\//);
    expect(result.ok).toBe(true);
  });
});
