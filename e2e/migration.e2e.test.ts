import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../lib/config/load";
import { buildModel } from "../lib/model";
import { isVaultStack } from "../lib/names";
import { applyStack, plannedChanges } from "../sandbox/deploy";
import { createBrokerCheckKey, runSandbox, synthForSandbox } from "../sandbox/run-sandbox";
import { terraform } from "../run/runner";
import { requesterTokens } from "../sandbox/vault-checks";
import { changeLine, collector, keepIssuing, sandboxServers, smallConfig, workDir, writeConfig } from "./fixtures";

/**
 * An estate deployed with the single `vault` stack (engine, policies and every role, with the
 * external-id markers) moves to `vault` + `vault-roles-NN` by an ordinary apply, with no Vault role
 * deleted or recreated and credentials issued throughout.
 *
 * `e2e/legacy/vault-single-stack.json` is that layout's vault stack exactly as the release before
 * the move (commit 2ac425c) synthesized `smallConfig()` in sandbox mode, with its state folder
 * written as `/sandbox-state`. That release did not point the engine at the emulator; the test adds
 * `sts_endpoint`/`iam_endpoint`, as a person trying it by hand would.
 */
describe("moving from the single vault stack to vault + vault-roles-NN", () => {
  const dir = workDir("migration");
  const progress = collector();
  // An estate this old upgrades with the bridges of the layouts since kept (see docs/upgrading.md).
  const configFile = writeConfig(dir, "accounts.yaml", { ...smallConfig(), vault: { keepLegacyLayout: true } });
  const model = buildModel(loadConfig(configFile));
  const servers = sandboxServers("migration");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The Vault role names Vault holds now. */
  const rolesInVault = async () =>
    (((await servers.vault.root.request("GET", "aws/roles?list=true")).body.data?.keys ?? []) as string[]).sort();

  test("the old layout deploys: the AWS stacks, then the single vault stack holding every role", async () => {
    expect((await runSandbox({ configFile, workDir: dir, log: progress.log }, servers.emulator)).ok).toBe(true);
    const legacy = JSON.parse(
      readFileSync(join(__dirname, "legacy", "vault-single-stack.json"), "utf8").replaceAll("/sandbox-state", join(dir, "state")),
    );
    // The old layout read the broker's key from the broker stack's state, which no longer holds one:
    // a key made here stands for it, as the key an old estate's state holds.
    const key = await createBrokerCheckKey(
      model,
      { endpoint: servers.emulator.endpoint, region: "us-east-1" },
      "OrganizationAccountAccessRole",
    );
    for (const engine of Object.values<any>(legacy.resource.vault_aws_secret_backend)) {
      Object.assign(engine, {
        sts_endpoint: servers.emulator.endpoint,
        iam_endpoint: servers.emulator.endpoint,
        access_key: key.credentials.accessKeyId,
        secret_key: key.credentials.secretAccessKey,
      });
    }
    const legacyDir = join(dir, "legacy", "vault");
    mkdirSync(legacyDir, { recursive: true });
    writeFileSync(join(legacyDir, "cdk.tf.json"), JSON.stringify(legacy));
    const { env } = await synthForSandbox(configFile, dir, servers.emulator.endpoint, () => undefined);
    expect((await applyStack({ name: "vault", dir: legacyDir, dependencies: [] }, { ...env, ...servers.vault.env })).detail).toBe(
      "+7 ~0 -0",
    );
    expect(await rolesInVault()).toEqual(["dev-ec2-admin", "primary-readonly"]);
  });

  test("the move plans no delete of any Vault role: the vault stack forgets them, the roles stacks write them", async () => {
    const { stacks, env } = await synthForSandbox(configFile, dir, servers.emulator.endpoint, () => undefined);
    const planned: string[] = [];
    for (const stack of stacks.filter((s) => isVaultStack(s.name))) {
      for (const c of await plannedChanges(stack, { ...env, ...servers.vault.env })) {
        if (c.actions[0] !== "no-op") planned.push(changeLine(stack.name, c, c.address.replace(/_[0-9A-F]{8}$/, "")));
      }
    }
    const roleStack = (role: string) => model.vaultRoles.find((r) => r.name === role)!.stackName;
    expect(planned.sort()).toEqual(
      [
        "vault forget vault_generic_endpoint.role-dev-ec2-admin_role",
        "vault forget vault_generic_endpoint.role-primary-readonly_role",
        // The markers the old layout used to force a re-creation; deleting one touches nothing in Vault.
        "vault delete terraform_data.role-dev-ec2-admin_external-id-marker",
        "vault delete terraform_data.role-primary-readonly_external-id-marker",
        // The engine's config/root without the key: the key an old estate gave Vault stays there.
        "vault create vault_generic_endpoint.engine_root",
        // This release's other engine changes: the key-id and ARN in clear in the audit log (issue 22).
        "vault update vault_aws_secret_backend.engine (audit_non_hmac_request_keys, audit_non_hmac_response_keys)",
        `${roleStack("dev-ec2-admin")} create vault_generic_endpoint.role-dev-ec2-admin_role`,
        `${roleStack("primary-readonly")} create vault_generic_endpoint.role-primary-readonly_role`,
        // The requesters' shard policies; vault keeps their whole policies, unchanged, while the flag is set.
        `${roleStack("dev-ec2-admin")} create vault_policy.policy-developers_policy`,
        `${roleStack("primary-readonly")} create vault_policy.policy-sre_policy`,
      ].sort(),
    );
  });

  test("an ordinary run of the new layout moves it, and credentials are issued throughout; no role ever leaves Vault", async () => {
    const tokens = await requesterTokens(servers.vault.root, model);
    const issuing = [
      keepIssuing(tokens.get("developers")!, "aws/sts/dev-ec2-admin", { ttl: "15m" }, 100),
      keepIssuing(tokens.get("sre")!, "aws/sts/primary-readonly", { ttl: "15m" }, 100),
    ];
    let watching = true;
    const seen: string[][] = [];
    const watcher = (async () => {
      while (watching) {
        seen.push(await rolesInVault());
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    try {
      const result = await runSandbox({ configFile, workDir: dir, vault: servers.vault, log: progress.log }, servers.emulator);
      expect(result.ok).toBe(true);
      expect(Object.entries(result.secondPlan).filter(([, code]) => code !== 0)).toEqual([]);
    } finally {
      watching = false;
      await watcher;
      for (const loop of issuing) {
        const { ok, failures } = await loop.stop();
        expect(failures).toEqual([]);
        expect(ok).toBeGreaterThan(10);
      }
    }
    expect(seen.length).toBeGreaterThan(10);
    expect(seen.filter((roles) => roles.join() !== "dev-ec2-admin,primary-readonly")).toEqual([]);
  });

  test("afterwards the vault stack's state holds no role, and each roles stack's holds its own, and its requesters' policies", async () => {
    const { stacks, env } = await synthForSandbox(configFile, dir, servers.emulator.endpoint, () => undefined);
    const held = async (name: string) =>
      (await terraform(stacks.find((s) => s.name === name)!.dir, ["state", "list"], env)).output.trim().split("\n").filter(Boolean);
    // The engine's config/root endpoint stays in the vault stack; no role does.
    expect(
      (await held("vault")).filter(
        (a) => (a.startsWith("vault_generic_endpoint") && !a.includes(".engine_root_")) || a.startsWith("terraform_data"),
      ),
    ).toEqual([]);
    for (const stack of stacks.filter((s) => s.name.startsWith("vault-roles-"))) {
      const roles = model.vaultRoles.filter((r) => r.stackName === stack.name).map((r) => `vault_generic_endpoint.role-${r.name}_role`);
      const policies = model.shardPolicies
        .filter((p) => p.stackName === stack.name)
        .map((p) => `vault_policy.policy-${p.requester}_policy`);
      expect((await held(stack.name)).map((a) => a.replace(/_[0-9A-F]{8}$/, ""))).toEqual([...roles, ...policies]);
    }
  });
});
