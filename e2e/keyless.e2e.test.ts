import { GetUserCommand, ListAttachedRolePoliciesCommand, ListUsersCommand } from "@aws-sdk/client-iam";
import { rmSync } from "node:fs";
import { loadConfig } from "../lib/config/load";
import { buildModel, type Model } from "../lib/model";
import { isVaultStack } from "../lib/names";
import { awsEnvironment, brokerRoleSession } from "../sandbox/broker-role";
import { plannedChanges } from "../sandbox/deploy";
import { type Emulator, startEmulator } from "../sandbox/emulator";
import { runSandbox, synthForSandbox } from "../sandbox/run-sandbox";
import { SANDBOX_KEY } from "../sandbox/profiles";
import { accountIam } from "../sandbox/stored-roles";
import { requesterTokens } from "../sandbox/vault-checks";
import type { VaultServer } from "../sandbox/vault-server";
import { collector, keepIssuing, smallConfig, startTestVault, workDir, writeConfig } from "./fixtures";

/**
 * The keyless broker on the emulator and a real Vault: the role Vault runs as is created in the
 * broker's account and assumed before Vault starts (in production it exists, and Vault's runtime
 * holds its session), Vault gets that session in its environment, the engine is configured with
 * no key, and every configured role is reached as with a user's key. Then the README's switch from
 * user to role, applied step by step with a requester issuing credentials throughout.
 */

const THROWAWAY = { accessKeyId: SANDBOX_KEY.AWS_ACCESS_KEY_ID, secretAccessKey: SANDBOX_KEY.AWS_SECRET_ACCESS_KEY };
const ROLE = { roleName: "vault-server" };

/** A fresh emulator, the broker's role and a Vault holding its session, for one describe block. */
function keylessServers(label: string, configOf: () => string) {
  const dir = workDir(`servers-${label}`);
  const servers = {} as { emulator: Emulator; vault: VaultServer; model: Model };
  beforeAll(async () => {
    servers.emulator = await startEmulator();
    servers.model = buildModel(loadConfig(configOf()));
    const session = await brokerRoleSession(
      servers.model,
      { endpoint: servers.emulator.endpoint, region: "us-east-1" },
      "OrganizationAccountAccessRole",
      () => undefined,
    );
    servers.vault = await startTestVault(dir, awsEnvironment(session, "us-east-1"));
  });
  afterAll(async () => {
    await servers.emulator?.stop();
    await servers.vault?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return servers;
}

/** IAM inside the broker's account (111111111111), as its deployment role. */
async function brokerAccountIam(emulator: Emulator, model: Model) {
  const account = model.accounts.find((a) => a.name === model.broker.accountName)!;
  return accountIam(model, account, { endpoint: emulator.endpoint, region: "us-east-1" }, THROWAWAY, "OrganizationAccountAccessRole");
}

describe("a keyless estate: Vault runs as a role, and no IAM user or key exists", () => {
  const dir = workDir("keyless");
  const configFile = writeConfig(dir, "accounts.yaml", { ...smallConfig(), broker: { account: "primary", identity: "role", ...ROLE } });
  const servers = keylessServers("keyless", () => configFile);
  const progress = collector();
  let result: Awaited<ReturnType<typeof runSandbox>>;
  let seconds = 0;
  beforeAll(async () => {
    const started = Date.now();
    result = await runSandbox({ configFile, workDir: dir, vault: servers.vault, log: progress.log }, servers.emulator);
    seconds = (Date.now() - started) / 1000;
    // The figure the README quotes: the whole run, Vault half included, with the servers already up.
    console.log(`keyless sandbox run: ${seconds.toFixed(1)} s\n${progress.lines.join("\n")}`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("applies every stack and plans no changes afterwards", () => {
    expect(result.stacks.every((s) => s.action === "applied")).toBe(true);
    expect(Object.values(result.secondPlan).every((code) => code === 0)).toBe(true);
    expect(result.storedRoles.every((r) => r.ok)).toBe(true);
  });
  test("the broker's credentials are a session of the role, and every configured role is reached from it", () => {
    expect(progress.lines).toContain(
      "broker session is arn:aws:sts::111111111111:assumed-role/vault-server/vault-server: Vault's environment credentials, a session of arn:aws:iam::111111111111:role/vault-server",
    );
    const direct = result.checks.filter((c) => c.source === "broker AssumeRole");
    expect(direct.map((c) => [c.target.vaultRole, c.ok])).toEqual([
      ["primary-readonly", true],
      ["dev-ec2-admin", true],
    ]);
  });
  test("through Vault, with the engine holding no key, each requester gets its role's credentials", async () => {
    const viaVault = result.checks.filter((c) => c.source === "vault write");
    expect(viaVault.map((c) => [c.requester, c.target.vaultRole, c.ok])).toEqual([
      ["sre", "primary-readonly", true],
      ["developers", "dev-ec2-admin", true],
    ]);
    for (const check of viaVault)
      expect(check.detail).toMatch(new RegExp(`^arn:aws:sts::${check.target.accountId}:assumed-role/${check.target.role.name}/`));
    expect((await servers.vault.root.read("aws/config/root")).data!.access_key).toBe("");
    expect(progress.lines.join("\n")).toContain("2 Vault role ARNs: 2/2 assumed with the broker role's session; 2/2 issued through Vault");
    expect(result.ok).toBe(true);
  });
  test("the broker's account holds no IAM user, and the role holds exactly the broker's policy", async () => {
    const iam = await brokerAccountIam(servers.emulator, servers.model);
    expect((await iam.send(new ListUsersCommand({}))).Users ?? []).toEqual([]);
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: "vault-server" }));
    expect((attached.AttachedPolicies ?? []).map((p) => p.PolicyName)).toEqual(["vault-server-assume-1"]);
  });
  test("without AWS credentials in its environment, a keyless engine cannot issue: the ones above came from Vault's environment", async () => {
    const bare = await startTestVault(workDir("keyless-bare"));
    try {
      await bare.root.write("sys/mounts/aws", { type: "aws" });
      await bare.root.write("aws/config/root", {
        region: "us-east-1",
        sts_endpoint: servers.emulator.endpoint,
        iam_endpoint: servers.emulator.endpoint,
      });
      await bare.root.write("aws/roles/probe", {
        credential_type: "assumed_role",
        role_arns: ["arn:aws:iam::222222222222:role/ec2-admin"],
      });
      const answer = await bare.root.request("POST", "aws/sts/probe", { ttl: "15m" });
      // Vault's AWS client finds no credential source (no key in its config, none in its environment).
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.body.errors).toEqual(["could not obtain sts client"]);
    } finally {
      await bare.stop();
    }
  });
});

describe("switching an estate from user to role, step by step, while a requester issues credentials", () => {
  const dir = workDir("keyless-switch");
  let written = 0;
  const config = (broker: Record<string, unknown>) =>
    writeConfig(dir, `step-${++written}.yaml`, { ...smallConfig(), broker: { account: "primary", ...broker } });
  const steps = {
    user: config({}),
    prepared: config({ ...ROLE }),
    switched: config({ identity: "role", ...ROLE, keepUser: true }),
    keyless: config({ identity: "role", ...ROLE }),
  };
  // Vault runs as the role from the start (step 0 of the procedure): the user's key overrides it
  // until the engine drops the key.
  const servers = keylessServers("switch", () => steps.prepared);
  const progress = collector();
  const sandbox = (configFile: string) =>
    runSandbox({ configFile, workDir: dir, vault: servers.vault, log: progress.log }, servers.emulator);
  /** Every stack's planned changes, as "<stack> <actions> <type>" (no-ops left out), sorted. */
  const plan = async (configFile: string) => {
    const { stacks, env } = await synthForSandbox(configFile, dir, servers.emulator.endpoint, () => undefined);
    const planned: string[] = [];
    for (const stack of stacks) {
      const changes = await plannedChanges(stack, isVaultStack(stack.name) ? { ...env, ...servers.vault.env } : env);
      planned.push(...changes.filter((c) => c.actions[0] !== "no-op").map((c) => `${stack.name} ${c.actions.join("+")} ${c.type}`));
    }
    return planned.sort();
  };
  const keyInVault = async () => (await servers.vault.root.read("aws/config/root")).data!.access_key as string;
  let loop: ReturnType<typeof keepIssuing> | undefined;
  afterAll(async () => {
    await loop?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("before: the user broker, Vault using its key", async () => {
    expect((await sandbox(steps.user)).ok).toBe(true);
    expect(await keyInVault()).toMatch(/^\S{16,}$/);
    const developers = (await requesterTokens(servers.vault.root, buildModel(loadConfig(steps.user)))).get("developers")!;
    loop = keepIssuing(developers, "aws/sts/dev-ec2-admin", { ttl: "15m" }, 200);
  });

  test("step 1, the role prepared: its policy attached and the trust policies updated in place; nothing in Vault", async () => {
    expect(await plan(steps.prepared)).toEqual([
      "aws-dev update aws_iam_role",
      "aws-primary create aws_iam_policy",
      "aws-primary create aws_iam_role_policy_attachment",
      "aws-primary update aws_iam_role",
    ]);
    expect((await sandbox(steps.prepared)).ok).toBe(true);
    expect(await keyInVault()).not.toBe("");
  });

  test("step 2, Vault switched to the role: only the engine's config/root, updated in place (the key cleared); nothing in AWS", async () => {
    expect(await plan(steps.switched)).toEqual(["vault update vault_generic_endpoint"]);
    expect((await sandbox(steps.switched)).ok).toBe(true);
    expect(await keyInVault()).toBe("");
    expect(progress.lines).toContain(
      "broker session is arn:aws:sts::111111111111:assumed-role/vault-server/vault-server: Vault's environment credentials, a session of arn:aws:iam::111111111111:role/vault-server",
    );
  });

  test("step 3, the user removed, its group, membership and policies deleted, trust narrowed in place; nothing in Vault", async () => {
    expect(await plan(steps.keyless)).toEqual([
      "aws-dev update aws_iam_role",
      "aws-primary delete aws_iam_group",
      "aws-primary delete aws_iam_group_policy",
      "aws-primary delete aws_iam_group_policy_attachment",
      "aws-primary delete aws_iam_policy",
      "aws-primary delete aws_iam_user",
      "aws-primary delete aws_iam_user_group_membership",
      "aws-primary update aws_iam_role",
    ]);
    expect((await sandbox(steps.keyless)).ok).toBe(true);
    const iam = await brokerAccountIam(servers.emulator, servers.model);
    await expect(iam.send(new GetUserCommand({ UserName: "vault-account" }))).rejects.toThrow(/cannot be found|not found|NoSuchEntity/i);
  });

  test("issuance through Vault never failed, from the first step to the last", async () => {
    const { ok, failures } = await loop!.stop();
    loop = undefined;
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(20);
  });
});
