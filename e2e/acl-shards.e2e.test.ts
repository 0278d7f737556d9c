import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../lib/config/load";
import { buildModel } from "../lib/model";
import { isVaultStack } from "../lib/names";
import { applyStack, plannedChanges } from "../sandbox/deploy";
import { runSandbox, sandboxBrokerKey, synthForSandbox } from "../sandbox/run-sandbox";
import type { VaultClient } from "../run/vault-client";
import {
  changeLine,
  collector,
  type JwtIdentityProvider,
  jwtIdentityProvider,
  keepIssuing,
  sandboxServers,
  smallConfig,
  workDir,
  writeConfig,
} from "./fixtures";

/**
 * The ACL shards against a real Vault: what Vault does with a policy name that does not exist yet,
 * the upgrade of an estate deployed with the whole policies in `vault` while requesters issue
 * credentials every 100 ms, and one added account touching one Vault stack.
 *
 * Requesters log in the way people do, through an auth method that reports groups: Vault's JWT
 * auth at `jwt`, with tokens signed here, whose `groups` claim names the external group. The
 * bindings of the config turn those into the requesters' identity groups.
 *
 * `e2e/legacy/before-acl-shards/*.json` are the Vault stacks of that config exactly as the release
 * before the shards (commit 8592069) synthesized it in sandbox mode, with its state folder written
 * as `/sandbox-state` and the emulator as `http://sandbox-endpoint:5000`.
 */
describe("ACL shards against a real Vault", () => {
  const dir = workDir("acl-shards");
  const progress = collector();
  const servers = sandboxServers("acl-shards");
  const config = smallConfig();
  config.requesters.developers.groups = [{ authMount: "jwt", name: "devs" }];
  config.requesters.sre.groups = [{ authMount: "jwt", name: "sre" }];
  const configFile = (data: Record<string, any>) => writeConfig(dir, "accounts.yaml", data);
  let idp: JwtIdentityProvider;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (file: string) => runSandbox({ configFile: file, workDir: dir, vault: servers.vault, log: progress.log }, servers.emulator);
  const policiesInVault = async () =>
    ((await servers.vault.root.read("sys/policies/acl?list=true")).data!.keys as string[]).filter((p) => p.startsWith("aws-")).sort();
  /** Issuing loops for each token, every 100 ms, stopped and checked by `expectNoFailure`. */
  const issuing = (tokens: Record<string, VaultClient>) =>
    Object.entries(tokens).map(([name, token]) => ({
      name,
      loop: keepIssuing(token, name.startsWith("dev") ? "aws/sts/dev-ec2-admin" : "aws/sts/primary-readonly", { ttl: "15m" }, 100),
    }));
  const expectNoFailure = async (loops: ReturnType<typeof issuing>) => {
    for (const { name, loop } of loops) {
      const { ok, failures } = await loop.stop();
      expect([name, failures]).toEqual([name, []]);
      expect(ok).toBeGreaterThan(10);
    }
  };
  /** Tokens of the upgrade: logged in through the groups before it, and made naming the whole policy directly. */
  const tokens: Record<string, VaultClient> = {};

  beforeAll(async () => {
    idp = await jwtIdentityProvider(servers.vault.root, { role: "requester", noDefaultPolicy: true, ttl: "2h" });
  });

  test("Vault accepts a token and a group naming a policy that does not exist yet; it grants nothing until written, then at the next request", async () => {
    const root = servers.vault.root;
    const { accessor } = (await root.read("sys/auth")).data!["jwt/"] as { accessor: string };
    const group = await root.write("identity/group", { name: "probe", type: "external", policies: ["probe-later-group"] });
    await root.write("identity/group-alias", { name: "probe", mount_accessor: accessor, canonical_id: group.data!.id });
    const member = await idp.login("probe-user", ["probe"]);
    const direct = root.withToken(await root.createToken(["probe-later-token"]));
    for (const token of [member, direct]) expect((await token.request("GET", "sys/mounts")).status).toBe(403);
    for (const name of ["probe-later-group", "probe-later-token"])
      await root.write(`sys/policies/acl/${name}`, { policy: 'path "sys/mounts" { capabilities = ["read"] }' });
    // The same tokens, no new login: Vault reads a token's and its groups' policies at each request.
    for (const token of [member, direct]) expect((await token.request("GET", "sys/mounts")).status).toBe(200);
    await root.request("DELETE", "identity/group/name/probe");
    for (const name of ["probe-later-group", "probe-later-token"]) await root.request("DELETE", `sys/policies/acl/${name}`);
  });

  test("the layout before the shards deploys: each group's whole policy in vault, no policy in the roles stacks", async () => {
    const file = configFile(config);
    expect((await runSandbox({ configFile: file, workDir: dir, log: progress.log }, servers.emulator)).ok).toBe(true);
    const { env, stacks, model, deployRoleName } = await synthForSandbox(file, dir, servers.emulator.endpoint, () => undefined);
    for (const name of ["vault", "vault-roles-01", "vault-roles-10"]) {
      const text = readFileSync(join(__dirname, "legacy", "before-acl-shards", `${name}.json`), "utf8");
      const legacyDir = join(dir, "legacy", name);
      mkdirSync(legacyDir, { recursive: true });
      writeFileSync(
        join(legacyDir, "cdk.tf.json"),
        withoutTerraformKey(
          text.replaceAll("/sandbox-state", join(dir, "state")).replaceAll("http://sandbox-endpoint:5000", servers.emulator.endpoint),
        ),
      );
      expect(stacks.some((s) => s.name === name)).toBe(true);
      expect((await applyStack({ name, dir: legacyDir, dependencies: [] }, { ...env, ...servers.vault.env })).action).toBe("applied");
    }
    // As after any deploy in key mode (docs/deploying.md): `vault-aws broker-key` gives the engine a key.
    await sandboxBrokerKey(
      model,
      servers.vault,
      { endpoint: servers.emulator.endpoint, region: model.vault.region },
      deployRoleName,
      progress.log,
    );
    expect(await policiesInVault()).toEqual(["aws-developers", "aws-sre"]);
    tokens["dev via group"] = await idp.login("alice", ["devs"]);
    tokens["sre via group"] = await idp.login("bob", ["sre"]);
    tokens["dev naming aws-developers"] = servers.vault.root.withToken(await servers.vault.root.createToken(["aws-developers"]));
    tokens["sre naming aws-sre"] = servers.vault.root.withToken(await servers.vault.root.createToken(["aws-sre"]));
    for (const [name, token] of Object.entries(tokens)) {
      expect([
        name,
        (await token.request("POST", name.startsWith("dev") ? "aws/sts/dev-ec2-admin" : "aws/sts/primary-readonly", { ttl: "15m" })).status,
      ]).toEqual([name, 200]);
    }
  });

  test("step 1, vault.keepLegacyLayout: the groups gain the shard policies, the roles stacks write them, nothing is deleted; no issuance fails", async () => {
    const file = configFile({ ...config, vault: { keepLegacyLayout: true } });
    const { stacks, env } = await synthForSandbox(file, dir, servers.emulator.endpoint, () => undefined);
    const planned: string[] = [];
    for (const stack of stacks.filter((s) => isVaultStack(s.name))) {
      for (const c of await plannedChanges(stack, { ...env, ...servers.vault.env })) {
        if (c.actions[0] !== "no-op" && c.actions[0] !== "read") planned.push(changeLine(stack.name, c));
      }
    }
    expect(planned.sort()).toEqual([
      // This release's engine: config/root written without the key, and the key-id and ARN in
      // clear in the audit log (issue 22); neither touches the ACL layout.
      "vault create vault_generic_endpoint",
      "vault update vault_aws_secret_backend (audit_non_hmac_request_keys, audit_non_hmac_response_keys)",
      "vault update vault_identity_group (policies)",
      "vault update vault_identity_group (policies)",
      "vault-roles-01 create vault_policy",
      "vault-roles-10 create vault_policy",
    ]);
    const loops = issuing(tokens);
    try {
      const result = await run(file);
      expect(result.ok).toBe(true);
      expect(Object.entries(result.secondPlan).filter(([, code]) => code !== 0)).toEqual([]);
    } finally {
      await expectNoFailure(loops);
    }
    expect(await policiesInVault()).toEqual(["aws-developers", "aws-developers.vault-roles-10", "aws-sre", "aws-sre.vault-roles-01"]);
  });

  test("step 2, the flag removed once direct tokens name the shard policies: the whole policies go; group logins from before keep issuing", async () => {
    const model = buildModel(loadConfig(configFile(config)));
    const shardsOf = (requester: string) => model.requesterPolicies.find((p) => p.requester === requester)!.policyNames;
    const switched = {
      "dev via group": tokens["dev via group"],
      "sre via group": tokens["sre via group"],
      "dev naming its shard policies": servers.vault.root.withToken(await servers.vault.root.createToken(shardsOf("developers"))),
      "sre naming its shard policies": servers.vault.root.withToken(await servers.vault.root.createToken(shardsOf("sre"))),
    };
    const loops = issuing(switched);
    try {
      const result = await run(join(dir, "accounts.yaml"));
      expect(result.ok).toBe(true);
      expect(Object.entries(result.secondPlan).filter(([, code]) => code !== 0)).toEqual([]);
    } finally {
      await expectNoFailure(loops);
    }
    expect(await policiesInVault()).toEqual(["aws-developers.vault-roles-10", "aws-sre.vault-roles-01"]);
    // A token still naming the whole policy has lost it: the path the upgrade notes give is the one above.
    expect((await tokens["dev naming aws-developers"].request("POST", "aws/sts/dev-ec2-admin", { ttl: "15m" })).status).toBe(403);
  });

  test("one added account plans changes in its roles stack only, and a requester logged in before issues for it at once", async () => {
    const withQa = structuredClone(config);
    withQa.accounts.push({
      name: "qa",
      id: "333333333333",
      roles: [{ name: "tester", managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], requesters: ["developers"] }],
    });
    const file = configFile(withQa);
    const { stacks, env, model } = await synthForSandbox(file, dir, servers.emulator.endpoint, () => undefined);
    const home = model.vaultRoles.find((r) => r.name === "qa-tester")!.stackName;
    const changedVaultStacks: string[] = [];
    for (const stack of stacks.filter((s) => isVaultStack(s.name))) {
      const changes = await plannedChanges(stack, { ...env, ...servers.vault.env });
      if (changes.some((c) => c.actions[0] !== "no-op" && c.actions[0] !== "read")) changedVaultStacks.push(stack.name);
    }
    expect(changedVaultStacks).toEqual([home]);
    const qa = keepIssuing(tokens["dev via group"], "aws/sts/qa-tester", { ttl: "15m" }, 100);
    const result = await run(file);
    expect(result.ok).toBe(true);
    const { ok } = await qa.stop();
    expect(ok).toBeGreaterThan(0);
    expect((await tokens["dev via group"].request("POST", "aws/sts/qa-tester", { ttl: "15m" })).status).toBe(200);
    // sre was not granted the new role.
    expect((await tokens["sre via group"].request("POST", "aws/sts/qa-tester", { ttl: "15m" })).status).toBe(403);
  });
});

/**
 * The previous release's vault stack as it would be after this release's key change (docs/pipeline.md,
 * "No live secret"): it read the broker's key from the broker stack's state, which no longer holds
 * one, since Vault holds it. So the engine takes no key from Terraform and leaves config/root's fields
 * to Vault, as this release's engine does; the ACL layout, what this file tests, is the previous one.
 */
function withoutTerraformKey(text: string): string {
  const stack = JSON.parse(text) as { data?: Record<string, unknown>; resource: Record<string, Record<string, Record<string, unknown>>> };
  delete stack.data?.terraform_remote_state;
  for (const engine of Object.values(stack.resource.vault_aws_secret_backend ?? {})) {
    delete engine.access_key;
    delete engine.secret_key;
    engine.lifecycle = { ignore_changes: ["access_key", "secret_key", "region", "sts_endpoint", "iam_endpoint", "username_template"] };
  }
  return JSON.stringify(stack, null, 2);
}
