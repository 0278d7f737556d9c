/**
 * Vault as its users run it: three servers with integrated storage (Raft), one active, two standbys.
 * One emulator and one cluster for the whole file; a fault that kills a node restarts it and waits
 * until the cluster is healthy again before the next one. Figures go to stdout (`[cluster figures]`).
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../lib/config/load";
import { buildModel, type Model } from "../lib/model";
import { checkTargets } from "../sandbox/checks";
import { planExitCode, StackFailure } from "../sandbox/deploy";
import { type Emulator, startEmulator } from "../sandbox/emulator";
import { runSandbox, synthForSandbox } from "../sandbox/run-sandbox";
import { ensureVault } from "../sandbox/vault-build";
import { startVaultCluster, type VaultCluster, type VaultNode } from "../sandbox/vault-cluster";
import { proveThroughVault, requesterTokens, stsRequest } from "../sandbox/vault-checks";
import { expectedInventory, readInventory } from "../sandbox/vault-inventory";
import { loadFigures, longestGapMs, startLoad } from "../sandbox/vault-load";
import { RECOMMENDED_RETRY, RetryingVaultClient } from "../sandbox/vault-retry";
import { smallConfig, workDir, writeConfig } from "./fixtures";

const dir = workDir("cluster");
let emulator: Emulator;
let cluster: VaultCluster;
let clusterSeconds = 0;
const figures: Record<string, unknown> = {};
/** Config A, applied first through a standby; the load and the snapshot use its roles. */
const dirA = workDir("cluster-a");
const configA = writeConfig(dirA, "accounts.yaml", configWithGroups("aws", ["111111111111", "222222222222"]));
const modelA: Model = buildModel(loadConfig(configA));

/** The small config, with another mount and account ids, and with each requester bound to an identity-provider group, so groups and aliases exist. */
function configWithGroups(mount: string, ids: [string, string], groupPrefix = ""): Record<string, any> {
  const config = smallConfig();
  config.vault = { mount };
  config.accounts[0].id = ids[0];
  config.accounts[1].id = ids[1];
  // An external group's alias is unique per auth mount: each config binds groups of its own.
  config.requesters.sre.groups = [{ authMount: "jwt", name: `${groupPrefix}eng-sre` }];
  config.requesters.developers.groups = [
    { authMount: "jwt", name: `${groupPrefix}eng-developers` },
    { authMount: "jwt", name: `${groupPrefix}contractors` },
  ];
  return config;
}

beforeAll(async () => {
  const build = await ensureVault(() => undefined);
  emulator = await startEmulator();
  const started = Date.now();
  cluster = await startVaultCluster({ binary: build.binary, dir: join(dir, "vault") });
  clusterSeconds = (Date.now() - started) / 1000;
  // The auth mount the requesters' bindings name must exist, as an identity provider's would.
  await cluster.root.write("sys/auth/jwt", { type: "jwt" });
});
afterAll(async () => {
  console.log(`[cluster figures] ${JSON.stringify({ clusterSeconds, ...figures }, null, 2)}`);
  await cluster?.stop();
  await emulator?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** After a fault: the killed node back, and every node unsealed and a voter. */
async function heal(node: VaultNode): Promise<void> {
  await cluster.restart(node);
  await cluster.waitHealthy();
}

describe("three servers with integrated storage", () => {
  test("start, join and unseal within a minute: one active, two standbys, three Raft voters", async () => {
    expect(clusterSeconds).toBeLessThan(60);
    const active = await cluster.leader();
    expect((await cluster.standbys()).map((n) => n.nodeId).sort()).toEqual(
      cluster.nodes
        .filter((n) => n !== active)
        .map((n) => n.nodeId)
        .sort(),
    );
    const config = await cluster.root.read("sys/storage/raft/configuration");
    expect(
      (config.data!.config as { servers: { node_id: string; voter: boolean }[] }).servers.map((s) => [s.node_id, s.voter]).sort(),
    ).toEqual([
      ["vault-1", true],
      ["vault-2", true],
      ["vault-3", true],
    ]);
  });
  test("the unseal key and root token reach no node's log, config or data folder", () => {
    const token = cluster.through(cluster.nodes[0]).env.VAULT_TOKEN;
    const logs = cluster.nodes.map((n) => readFileSync(n.logFile, "utf8")).join("\n");
    expect(logs).not.toContain(token);
    const configs = readdirSync(join(dir, "vault"), { recursive: true, withFileTypes: true }).filter((f) => f.name === "config.json");
    expect(configs).toHaveLength(3);
    for (const file of configs) expect(readFileSync(join(file.parentPath, file.name), "utf8")).not.toContain(token);
  });
});

describe("the sandbox applied with VAULT_ADDR at a standby", () => {
  let result: Awaited<ReturnType<typeof runSandbox>>;
  beforeAll(async () => {
    const standby = (await cluster.standbys())[0];
    const started = Date.now();
    result = await runSandbox({ configFile: configA, workDir: dirA, vault: cluster.through(standby), log: () => undefined }, emulator);
    figures.applyThroughStandbySeconds = (Date.now() - started) / 1000;
  });

  test("every stack applies, a second plan of each has no changes, and every check passes, as on a dev server", () => {
    expect(result.stacks.every((s) => s.action === "applied")).toBe(true);
    expect(Object.keys(result.secondPlan).sort()).toEqual(result.stacks.map((s) => s.stack).sort());
    expect(Object.values(result.secondPlan).every((code) => code === 0)).toBe(true);
    expect(result.checks.filter((c) => c.source === "vault write").map((c) => [c.requester, c.target.vaultRole, c.ok])).toEqual([
      ["sre", "primary-readonly", true],
      ["developers", "dev-ec2-admin", true],
    ]);
    expect(result.ok).toBe(true);
  });
  test("through every node, each requester group's token is refused the roles of the other group (403)", async () => {
    const tokens = await requesterTokens(cluster.root, modelA);
    const refused: string[] = [];
    for (const node of cluster.nodes) {
      for (const target of checkTargets(modelA)) {
        for (const [requester, client] of tokens) {
          if (target.requesters.includes(requester)) continue;
          const answer = await cluster.through(node).root.withToken(client.token).request("POST", target.stsPath, stsRequest(target));
          refused.push(`${node.nodeId} ${requester} ${target.vaultRole} ${answer.status}`);
        }
      }
    }
    expect(refused.sort()).toEqual(
      cluster.nodes.flatMap((n) => [`${n.nodeId} developers primary-readonly 403`, `${n.nodeId} sre dev-ec2-admin 403`]).sort(),
    );
  });
  test("read back through each node, every role, policy, group and alias is there, and nothing else", async () => {
    const expected = expectedInventory(modelA);
    expect(expected).toMatchObject({
      roles: ["dev-ec2-admin", "primary-readonly"],
      policies: ["aws-developers.vault-roles-10", "aws-sre.vault-roles-01"],
    });
    expect(expected.aliases).toHaveLength(3);
    for (const node of cluster.nodes) expect(await readInventory(cluster.through(node).root, modelA)).toEqual(expected);
  });
});

describe("the active node SIGKILLed under 50 concurrent requesters retrying by the recommended policy", () => {
  const WORKERS = 50;
  let calls: Awaited<ReturnType<ReturnType<typeof startLoad>["stop"]>>;
  let killed: VaultNode;
  let successor: VaultNode;
  const at = { killMs: 0, activeAgainMs: 0, endMs: 0 };
  beforeAll(async () => {
    const tokens = await requesterTokens(cluster.root, modelA);
    const targets = checkTargets(modelA).filter((t) => t.requesters.length > 0);
    const addresses = cluster.nodes.map((n) => n.address);
    // Each requester its own client, with the addresses in another order, asking for a role of its own group.
    const requesters = Array.from({ length: WORKERS }, (_, n) => {
      const target = targets[n % targets.length];
      const order = addresses.map((_, i) => addresses[(i + n) % addresses.length]);
      return { target, client: new RetryingVaultClient(order, tokens.get(target.requesters[0])!.token, RECOMMENDED_RETRY) };
    });
    const load = startLoad(WORKERS, async (n) => {
      const { target, client } = requesters[n];
      const answer = await client.write(target.stsPath, stsRequest(target));
      if (!answer.body.data?.access_key) throw new Error("no access_key in the answer");
      return answer;
    });
    const started = load.startedAt;
    await new Promise((r) => setTimeout(r, 5_000));
    killed = await cluster.leader();
    at.killMs = performance.now() - started;
    await cluster.kill(killed);
    successor = await cluster.leader(30_000);
    at.activeAgainMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, 5_000));
    at.endMs = performance.now() - started;
    calls = await load.stop();
    // Calls that started and ended before the kill, and after a node was active again.
    const before = loadFigures(calls, 0, at.killMs);
    const after = loadFigures(calls, at.activeAgainMs, at.endMs);
    figures.leaderKilledUnderLoad = {
      workers: WORKERS,
      calls: calls.length,
      failedAfterRetries: calls.filter((c) => !c.ok).length,
      retried: calls.filter((c) => c.retries > 0).length,
      newLeaderAfterMs: Math.round(at.activeAgainMs - at.killMs),
      longestGapMs: Math.round(longestGapMs(calls, 0, at.endMs)),
      before,
      after,
    };
    await heal(killed);
  });

  test("no request fails after retries", () => {
    expect(calls.filter((c) => !c.ok).map((c) => c.error)).toEqual([]);
    expect(calls.filter((c) => c.endedMs < at.killMs).length).toBeGreaterThan(WORKERS);
    expect(calls.filter((c) => c.endedMs > at.activeAgainMs).length).toBeGreaterThan(WORKERS);
  });
  test("another node became active, and no requester went 10 s without credentials", () => {
    expect(successor).not.toBe(killed);
    expect(longestGapMs(calls, 0, at.endMs)).toBeLessThan(10_000);
  });
  test("some requests needed a retry: the fault reached the requesters", () => {
    expect(calls.filter((c) => c.retries > 0).length).toBeGreaterThan(0);
  });
});

describe("the active node SIGKILLed during an apply, right after the engine's mount is written", () => {
  const dirB = workDir("cluster-b");
  const configB = writeConfig(dirB, "accounts.yaml", configWithGroups("team-b", ["333333333333", "444444444444"], "team-b-"));
  const modelB: Model = buildModel(loadConfig(configB));
  let first: unknown;
  let killed: VaultNode | undefined;
  let rerun: Awaited<ReturnType<typeof runSandbox>>;
  const rerunLines: string[] = [];
  beforeAll(async () => {
    const through = cluster.through((await cluster.standbys())[0]);
    let killing: Promise<void> | undefined;
    let finished = false;
    const killWhenMounted = async () => {
      for (;;) {
        if (finished) return;
        const mounts = await cluster.root.request("GET", "sys/mounts").catch(() => undefined);
        if (mounts?.body?.data?.["team-b/"]) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      killed = await cluster.leader();
      if (killed.address === through.address) throw new Error("the standby terraform talks to became active");
      await cluster.kill(killed);
    };
    const log = (line: string) => {
      if (line.startsWith("[vault] applying")) killing = killWhenMounted();
    };
    const started = Date.now();
    first = await runSandbox({ configFile: configB, workDir: dirB, vault: through, log }, emulator).then(
      (result) => (result.ok ? "converged" : "finished, checks failed"),
      (error) => error,
    );
    finished = true;
    await killing;
    const firstSeconds = (Date.now() - started) / 1000;
    await heal(killed!);
    const rerunStarted = Date.now();
    rerun = await runSandbox(
      { configFile: configB, workDir: dirB, vault: cluster.through(await cluster.leader()), log: (line) => rerunLines.push(line) },
      emulator,
    );
    figures.leaderKilledDuringApply = {
      firstRun: first instanceof StackFailure ? `failed in ${first.stackName}` : String(first),
      firstSeconds,
      rerunSeconds: (Date.now() - rerunStarted) / 1000,
      // Groups or aliases Vault held that the first run's state did not (a write whose answer was lost).
      adoptedByRerun: rerunLines.filter((line) => line.includes(" adopted ")),
    };
  });

  test("the node was killed while the first run was applying; that run converged or named the stack it failed in", () => {
    expect(killed).toBeDefined();
    if (first instanceof Error) expect(first).toBeInstanceOf(StackFailure);
    else expect(first).toBe("converged");
  });
  test("rerunning converges: every stack applied, the second plan has no changes, every check passes", () => {
    expect(Object.values(rerun.secondPlan).every((code) => code === 0)).toBe(true);
    expect(Object.keys(rerun.secondPlan)).toEqual(expect.arrayContaining(["vault", "aws-primary", "aws-dev"]));
    expect(rerun.ok).toBe(true);
  });
  test("through each node, no role, policy, group or alias is orphaned, doubled or missing", async () => {
    const expected = expectedInventory(modelB);
    expect(expected.groups).toHaveLength(3);
    for (const node of cluster.nodes) expect(await readInventory(cluster.through(node).root, modelB)).toEqual(expected);
  });
});

describe("a Raft snapshot, the engine's mount deleted, the snapshot restored", () => {
  const aws = () => ({ endpoint: emulator.endpoint, region: modelA.vault.region });
  const viaVault = (checks: Awaited<ReturnType<typeof proveThroughVault>>) => checks.map((c) => [c.requester, c.target.vaultRole, c.ok]);
  let deleted: { checks: Awaited<ReturnType<typeof proveThroughVault>>; roles: readonly string[]; plan: number };
  let restored: Awaited<ReturnType<typeof proveThroughVault>>;
  let plans: Record<string, number>;
  beforeAll(async () => {
    const { stacks, env } = await synthForSandbox(configA, dirA, emulator.endpoint, () => undefined);
    const vaultStacks = stacks.filter((s) => s.name.startsWith("vault"));
    const vaultEnv = () => ({ ...env, ...cluster.through(cluster.nodes[0]).env });
    const started = Date.now();
    const snapshot = await cluster.snapshot();
    const deletion = await cluster.root.request("DELETE", `sys/mounts/${modelA.vault.mount}`);
    if (deletion.status !== 204) throw new Error(`deleting the mount: HTTP ${deletion.status}`);
    deleted = {
      checks: await proveThroughVault(modelA, cluster.root, aws()),
      roles: (await readInventory(cluster.root, modelA)).roles,
      plan: (
        await planExitCode(
          vaultStacks.find((s) => s.name === "vault")!,
          vaultEnv(),
        )
      ).code,
    };
    const restoreStarted = Date.now();
    await cluster.restore(snapshot);
    await cluster.waitHealthy();
    figures.snapshot = { bytes: snapshot.length, restoreSeconds: (Date.now() - restoreStarted) / 1000 };
    restored = await proveThroughVault(modelA, cluster.root, aws());
    plans = {};
    for (const stack of vaultStacks) plans[stack.name] = (await planExitCode(stack, vaultEnv())).code;
    (figures.snapshot as Record<string, number>).seconds = (Date.now() - started) / 1000;
  });

  test("with the mount deleted, no role is left, no requester gets credentials, and a plan sees the change", () => {
    expect(deleted.roles).toEqual([]);
    expect(viaVault(deleted.checks)).toEqual([
      ["sre", "primary-readonly", false],
      ["developers", "dev-ec2-admin", false],
    ]);
    expect(deleted.plan).toBe(2);
  });
  test("after the restore, every role issues again to its requester group", () => {
    expect(viaVault(restored)).toEqual([
      ["sre", "primary-readonly", true],
      ["developers", "dev-ec2-admin", true],
    ]);
  });
  test("after the restore, a plan of every Vault stack shows no change, and every node holds what the config describes", async () => {
    expect(Object.keys(plans).length).toBeGreaterThanOrEqual(2);
    expect(plans).toEqual(Object.fromEntries(Object.keys(plans).map((name) => [name, 0])));
    for (const node of cluster.nodes) expect(await readInventory(cluster.through(node).root, modelA)).toEqual(expectedInventory(modelA));
  });
});
