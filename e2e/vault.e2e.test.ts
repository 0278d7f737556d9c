import { IAMClient, ListAccessKeysCommand } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../lib/config/load";
import { buildModel } from "../lib/model";
import { isVaultStack } from "../lib/names";
import { plannedChanges, StackFailure } from "../sandbox/deploy";
import { ROOT, runSandbox, synthForSandbox } from "../sandbox/run-sandbox";
import { checkTarget, checkTargets } from "../sandbox/checks";
import { requesterTokens, VaultSts } from "../sandbox/vault-checks";
import type { VaultClient } from "../run/vault-client";
import {
  collector,
  smallConfigFiles,
  type JwtIdentityProvider,
  jwtIdentityProvider,
  keepIssuing,
  sandboxServers,
  smallConfig,
  workDir,
  writeConfig,
} from "./fixtures";

/**
 * The Vault half against a real Vault dev server (built from the pinned wrapper module) and the
 * real hashicorp/vault provider: what Vault refuses, and how changes converge with Vault in the loop.
 * Each describe has its own emulator and Vault, since their configs reuse account ids and the mount.
 */

describe("denials in real Vault, on the shipped example", () => {
  const servers = sandboxServers("denials");
  const dir = workDir("vault-denials");
  const configFile = join(ROOT, "accounts.yaml");
  let tokens: Map<string, VaultClient>;
  beforeAll(async () => {
    expect((await runSandbox({ configFile, workDir: dir, vault: servers.vault, log: () => undefined }, servers.emulator)).ok).toBe(true);
    tokens = await requesterTokens(servers.vault.root, buildModel(loadConfig(configFile)));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const as = (requester: string) => tokens.get(requester)!;

  test("a group's token can use its own role", async () => {
    expect((await as("developers").request("POST", "aws/sts/dev-ec2-admin", { ttl: "15m" })).status).toBe(200);
  });
  test("another group's role gives 403", async () => {
    const answer = await as("developers").request("POST", "aws/sts/prod-ec2-admin", { ttl: "30m" });
    expect(answer).toEqual({ status: 403, body: { errors: ["1 error occurred:\n\t* permission denied\n\n"] } });
  });
  test("role_session_name= gives 403: a requester cannot name its own CloudTrail session", async () => {
    const answer = await as("developers").request("POST", "aws/sts/dev-ec2-admin", { ttl: "15m", role_session_name: "someone-else" });
    expect(answer.status).toBe(403);
  });
  test("aws/creds/<role> gives 403, read or written", async () => {
    expect((await as("developers").request("GET", "aws/creds/dev-ec2-admin")).status).toBe(403);
    expect((await as("developers").request("POST", "aws/creds/dev-ec2-admin", {})).status).toBe(403);
  });
  test("a role_arn outside a spanning role's list is refused: by the ACL (403), and by the engine even for root (400)", async () => {
    const outside = "arn:aws:iam::444444444444:role/readonly";
    expect((await as("auditors").request("POST", "aws/sts/readonly-nonprod", { ttl: "1h", role_arn: outside })).status).toBe(403);
    const asRoot = await servers.vault.root.request("POST", "aws/sts/readonly-nonprod", { ttl: "1h", role_arn: outside });
    expect(asRoot.status).toBe(400);
    expect((asRoot.body.errors as string[]).join(" ")).toContain(outside);
  });
  test("a spanning role without role_arn is refused, since it cannot guess the account", async () => {
    expect((await as("auditors").request("POST", "aws/sts/readonly-nonprod", { ttl: "1h" })).status).toBe(400);
  });
  test("a TTL above the role's maximum is capped to the maximum, not refused", async () => {
    // prod-ec2-admin: maxTtl 2h; dev-ec2-admin: the default maxTtl of 1h.
    const prod = await as("sre").request("POST", "aws/sts/prod-ec2-admin", { ttl: "5h" });
    expect([prod.status, prod.body.lease_duration]).toEqual([200, 7200]);
    const dev = await as("developers").request("POST", "aws/sts/dev-ec2-admin", { ttl: "3h" });
    expect([dev.status, dev.body.lease_duration]).toEqual([200, 3600]);
  });
  test("the requester's token cannot read the engine's config, roles or policies", async () => {
    for (const path of ["aws/config/root", "aws/roles/dev-ec2-admin", "sys/policies/acl/aws-developers.vault-roles-10"]) {
      expect([path, (await as("developers").request("GET", path)).status]).toEqual([path, 403]);
    }
  });
});

const qa = {
  name: "qa",
  id: "333333333333",
  roles: [{ name: "ec2-admin", managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEC2FullAccess"], requesters: ["developers"] }],
};

describe("changes with Vault in the loop", () => {
  const servers = sandboxServers("changes");
  const dir = workDir("vault-changes");
  const progress = collector();
  /** The small config with a change, in a file of its own. */
  const config = smallConfigFiles(dir);
  const sandbox = (configFile: string) =>
    runSandbox({ configFile, workDir: dir, vault: servers.vault, log: progress.log }, servers.emulator);
  const devToken = async () => (await requesterTokens(servers.vault.root, buildModel(loadConfig(config())))).get("developers")!;
  /** The planned changes of every Vault stack (`vault`, `vault-roles-NN`), as "<stack> <actions> <address>". */
  const vaultStackChanges = async (configFile: string) => {
    const { stacks, env } = await synthForSandbox(configFile, dir, servers.emulator.endpoint, () => undefined);
    const planned: string[] = [];
    for (const stack of stacks.filter((s) => isVaultStack(s.name))) {
      const changes = await plannedChanges(stack, { ...env, ...servers.vault.env });
      planned.push(...changes.filter((c) => c.actions[0] !== "no-op").map((c) => `${stack.name} ${c.actions.join("+")} ${c.address}`));
    }
    return planned;
  };
  const loops: { stop(): Promise<unknown> }[] = [];
  /** Background issuance, stopped after each test even when it fails. */
  const issuing = async () => {
    const loop = keepIssuing(await devToken(), "aws/sts/dev-ec2-admin", { ttl: "15m" });
    loops.push(loop);
    return loop;
  };
  afterEach(async () => {
    for (const loop of loops.splice(0)) await loop.stop();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("the first apply converges: a second plan of every Vault stack has no changes", async () => {
    const result = await sandbox(config());
    expect(result.ok).toBe(true);
    const vaultPlans = Object.entries(result.secondPlan).filter(([name]) => isVaultStack(name));
    expect(vaultPlans.length).toBeGreaterThanOrEqual(2);
    expect(vaultPlans.filter(([, code]) => code !== 0)).toEqual([]);
  });

  test("adding an account changes one Vault stack, by additions and in-place updates only, and issuance never stops", async () => {
    const withQa = config((c) => c.accounts.push(qa));
    const planned = await vaultStackChanges(withQa);
    expect(planned.filter((c) => !/^\S+ (create|update) /.test(c))).toEqual([]);
    // qa's role in the roles stack its name hashes to, and developers' ACL policy there; nothing in vault.
    const qaStack = buildModel(loadConfig(withQa)).vaultRoles.find((r) => r.name === "qa-ec2-admin")!.stackName;
    expect(planned).toHaveLength(2);
    expect(planned).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${qaStack} create vault_generic_endpoint\\.role-qa-ec2-admin_role_`)),
        expect.stringMatching(new RegExp(`^${qaStack} (create|update) vault_policy\\.policy-developers_policy_`)),
      ]),
    );

    const loop = await issuing();
    const result = await sandbox(withQa);
    const { ok, failures } = await loop.stop();
    expect(result.ok).toBe(true);
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(10);
    expect(
      result.checks
        .filter((c) => c.source === "vault write")
        .map((c) => `${c.requester} ${c.target.vaultRole}`)
        .sort(),
    ).toEqual(["developers dev-ec2-admin", "developers qa-ec2-admin", "sre primary-readonly"]);
  });

  test('writing external_id "" to a role clears it: Vault\'s own API, read back', async () => {
    const path = "aws/roles/external-id-probe";
    const role = { credential_type: "assumed_role", role_arns: ["arn:aws:iam::222222222222:role/ec2-admin"] };
    await servers.vault.root.write(path, { ...role, external_id: "probe-1" });
    expect((await servers.vault.root.read(path)).data!.external_id).toBe("probe-1");
    await servers.vault.root.write(path, role);
    expect((await servers.vault.root.read(path)).data!.external_id).toBe("probe-1"); // a body without the field keeps it
    await servers.vault.root.write(path, { ...role, external_id: "" });
    expect((await servers.vault.root.read(path)).data!.external_id).toBe("");
    await servers.vault.root.request("DELETE", path);
  });

  test("an account's external id is written to its Vault roles in place, and removing it clears it in place", async () => {
    // qa stays, as the test before left it, so that the external id is the only change.
    const withId = config((c) => {
      c.accounts.push(qa);
      c.accounts[1].externalId = "dev-ext-1";
    });
    expect(await vaultStackChanges(withId)).toEqual([
      expect.stringMatching(/^vault-roles-\d\d update vault_generic_endpoint\.role-dev-ec2-admin_/),
    ]);
    expect((await sandbox(withId)).ok).toBe(true);
    expect((await servers.vault.root.read("aws/roles/dev-ec2-admin")).data!.external_id).toBe("dev-ext-1");

    const withoutId = config((c) => c.accounts.push(qa));
    expect(await vaultStackChanges(withoutId)).toEqual([
      expect.stringMatching(/^vault-roles-\d\d update vault_generic_endpoint\.role-dev-ec2-admin_/),
    ]);
    expect((await sandbox(withoutId)).ok).toBe(true);
    expect((await servers.vault.root.read("aws/roles/dev-ec2-admin")).data!.external_id).toBe("");
  });

  test("rotating the broker's key: Vault rotates it itself, the old key is deleted, and issuance never fails", async () => {
    const loop = await issuing();
    const keyInVault = async () => (await servers.vault.root.read("aws/config/root")).data!.access_key as string;
    const activeKeys = async () => {
      const sts = new STSClient({
        endpoint: servers.emulator.endpoint,
        region: "us-east-1",
        credentials: { accessKeyId: "sandbox", secretAccessKey: "sandbox" },
      });
      const c = (
        await sts.send(
          new AssumeRoleCommand({ RoleArn: "arn:aws:iam::111111111111:role/OrganizationAccountAccessRole", RoleSessionName: "e2e" }),
        )
      ).Credentials!;
      const iam = new IAMClient({
        endpoint: servers.emulator.endpoint,
        region: "us-east-1",
        credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken },
      });
      const keys = await iam.send(new ListAccessKeysCommand({ UserName: "vault-account" }));
      return (keys.AccessKeyMetadata ?? []).filter((k) => k.Status === "Active").map((k) => k.AccessKeyId!);
    };
    const first = await keyInVault();
    expect(await activeKeys()).toEqual([first]);

    // Raising the generation is one write to rotate-root, in the vault stack's apply: Vault makes
    // the new key, switches to it, and deletes the old one. No state or plan holds either key.
    const step1 = config((c) => (c.broker = { ...c.broker, keyGeneration: 2 }));
    expect((await sandbox(step1)).ok).toBe(true);
    const second = await keyInVault();
    expect(second).not.toBe(first);
    expect(await activeKeys()).toEqual([second]);

    const { ok, failures } = await loop.stop();
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(10);
  });

  test("Vault killed as the vault stack's apply starts: the run fails naming the stack, and a rerun against the restarted (empty) Vault converges", async () => {
    // With a change pending (qa's role and policy grant), so the failed apply had writes to make.
    const current = config((c) => {
      c.broker = { ...c.broker, keyGeneration: 2 };
      c.accounts.push(qa);
    });
    const failure = await runSandbox(
      {
        configFile: current,
        workDir: dir,
        vault: servers.vault,
        log: (line) => {
          if (line === "[vault] applying…") void servers.vault.kill();
        },
      },
      servers.emulator,
    ).then(
      () => new Error("the run did not fail"),
      (error) => error,
    );
    expect(failure).toBeInstanceOf(StackFailure);
    expect((failure as StackFailure).stackName).toBe("vault");

    await servers.vault.restart();
    const result = await sandbox(current);
    expect(Object.entries(result.secondPlan).filter(([, code]) => code !== 0)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.checks.filter((c) => c.source === "vault write" && c.ok)).toHaveLength(3);
  });
});

describe("a requester bound to an identity-provider group, end to end through Vault's JWT auth", () => {
  const servers = sandboxServers("binding");
  const dir = workDir("vault-binding");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let configFile: string;
  let idp: JwtIdentityProvider;

  beforeAll(async () => {
    // The identity provider: a key pair made here, trusted by a JWT auth mount in the dev Vault.
    idp = await jwtIdentityProvider(servers.vault.root);
    const config = smallConfig();
    config.requesters.developers.groups = [{ authMount: "jwt", name: "eng-developers" }];
    config.accounts.push({
      name: "prod",
      id: "444444444444",
      roles: [{ name: "ec2-admin", managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEC2FullAccess"], requesters: ["sre"] }],
    });
    configFile = writeConfig(dir, "accounts.yaml", config);
    expect((await runSandbox({ configFile, workDir: dir, vault: servers.vault, log: () => undefined }, servers.emulator)).ok).toBe(true);
  });

  test("the vault stack made an external group with the developers' shard policies, aliased to eng-developers on the jwt mount", async () => {
    const group = (await servers.vault.root.read("identity/group/name/aws-developers--jwt--eng-developers")).data;
    const shards = Array.from({ length: 16 }, (_, i) => `aws-developers.vault-roles-${String(i).padStart(2, "0")}`);
    expect(group).toMatchObject({ type: "external", policies: shards, alias: { name: "eng-developers", mount_path: "auth/jwt/" } });
  });
  test("alice from eng-developers logs in and gets dev credentials that are dev's assumed role", async () => {
    const alice = await idp.login("alice", ["eng-developers"]);
    const model = buildModel(loadConfig(configFile));
    const target = checkTargets(model).find((t) => t.vaultRole === "dev-ec2-admin")!;
    const check = await checkTarget(new VaultSts(alice, "alice"), target, model, {
      endpoint: servers.emulator.endpoint,
      region: "us-east-1",
    });
    expect(check).toMatchObject({ ok: true, leaseSeconds: 3600 });
    expect(check.detail).toMatch(/^arn:aws:sts::222222222222:assumed-role\/ec2-admin\//);
  });
  test("the same login is refused prod, and the sre role of the primary account", async () => {
    const alice = await idp.login("alice", ["eng-developers"]);
    expect((await alice.request("POST", "aws/sts/prod-ec2-admin", { ttl: "15m" })).status).toBe(403);
    expect((await alice.request("POST", "aws/sts/primary-readonly", { ttl: "15m" })).status).toBe(403);
  });
  test("a user outside eng-developers logs in but gets no AWS role at all", async () => {
    const bob = await idp.login("bob", ["eng-sales"]);
    expect((await bob.request("POST", "aws/sts/dev-ec2-admin", { ttl: "15m" })).status).toBe(403);
  });
});
