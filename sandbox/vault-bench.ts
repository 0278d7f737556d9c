/**
 * Vault benchmark, against a real Vault dev server and moto_server, side by side in one run:
 *   1. issuance latency: `vault write <mount>/sts/<role>` with a requester's token against a direct
 *      AssumeRole with the broker's own key (the call Vault's engine makes), CALLS calls each,
 *      interleaved so both see the same machine; with --vault-nodes 3 (the default) also through a
 *      three-node Raft cluster's active node and through one of its standbys (which forwards to the
 *      active node), the cluster applied into an emulator of its own;
 *   2. the same under CONCURRENCY concurrent requesters (default 50), with error counts;
 *   3. the Vault side at 10, 100 and 1,000 accounts (2 roles each), with the roles in 1 stack and
 *      in 16 (`vault.roleStacks`): first apply of every Vault stack, a no-op plan of each, and a
 *      pull request adding one account (which Vault stacks change, and applying them). Only the
 *      broker's stack is applied on the AWS side; Vault does not look roles up when it stores them.
 * Usage: npm run bench:vault [-- --calls N] [--concurrency N] [--vault-nodes 1|3] [--sizes 10,100,1000] [--role-stacks 1,16]
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { accountStackName, isVaultStack } from "../lib/names";
import { stackFiles } from "../lib/output-folder";
import { generatedConfig } from "../scripts/fixtures";
import { BrokerAssumeRole, type CheckTarget, checkTargets, type CredentialSource } from "./checks";
import { applyStack, planExitCode } from "./deploy";
import { startEmulator } from "./emulator";
import { percentile, time } from "./timing";
import { inPool } from "./pool";
import type { SynthesizedStack } from "./stacks";
import { brokerCredentials, ROOT, runSandbox, synthForSandbox } from "./run-sandbox";
import { ensureVault } from "./vault-build";
import { requesterTokens, VaultSts } from "./vault-checks";
import { startVaultCluster } from "./vault-cluster";
import { startVault } from "./vault-server";

const { values: flags } = parseArgs({
  options: {
    calls: { type: "string", default: "200" },
    concurrency: { type: "string", default: "50" },
    sizes: { type: "string", default: "10,100,1000" },
    "role-stacks": { type: "string", default: "1,16" },
    "vault-nodes": { type: "string", default: "3" },
  },
});
const CALLS = Number(flags.calls);
const CONCURRENCY = Number(flags.concurrency);
const SIZES = flags.sizes!.split(",").filter(Boolean).map(Number);
const ROLE_STACKS = flags["role-stacks"]!.split(",").filter(Boolean).map(Number);
const VAULT_NODES = Number(flags["vault-nodes"]);
/** Stacks applied at once, as the sandbox does. */
const PARALLELISM = 2;

/** `workers` loops at once, `perWorker` calls each; latencies of the calls that worked, and errors. */
async function concurrently(workers: number, perWorker: number, call: () => Promise<unknown>): Promise<{ times: number[]; errors: number }> {
  const times: number[] = [];
  let errors = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let i = 0; i < perWorker; i++) {
        try {
          times.push(await time(call));
        } catch {
          errors++;
        }
      }
    }),
  );
  return { times, errors };
}

function row(name: string, times: readonly number[], extra = ""): string {
  return `  ${name.padEnd(34)} ${percentile(times, 50).toFixed(1).padStart(8)}  ${percentile(times, 95).toFixed(1).padStart(8)}${extra}`;
}

/** The same config applied to a Vault cluster, in an emulator of its own: a requester's client through its active node and through a standby. */
async function clusterWays(binary: string, config: string, work: string, requester: string): Promise<{ ways: [string, CredentialSource][]; stop(): Promise<void> }> {
  const emulator = await startEmulator();
  const cluster = await startVaultCluster({ binary, dir: join(work, "cluster"), nodes: VAULT_NODES });
  const stop = async () => {
    await cluster.stop();
    await emulator.stop();
  };
  try {
    const active = await cluster.leader();
    const result = await runSandbox({ configFile: config, workDir: join(work, "cluster-work"), endpoint: emulator.endpoint, vault: cluster.through(active), log: () => undefined });
    if (!result.ok) throw new Error("the sandbox run against the cluster failed; run vault-aws sandbox --vault-nodes 3 to see why");
    const { model } = await synthForSandbox(config, join(work, "cluster-work"), emulator.endpoint, () => undefined);
    const token = (await requesterTokens(cluster.root, model)).get(requester)!.token;
    const standby = (await cluster.standbys())[0];
    return {
      ways: [
        [`vault write, ${VAULT_NODES}-node active`, new VaultSts(cluster.through(active).root.withToken(token), requester)],
        [`vault write, ${VAULT_NODES}-node standby`, new VaultSts(cluster.through(standby).root.withToken(token), requester)],
      ],
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function issuance(binary: string): Promise<void> {
  const emulator = await startEmulator();
  const work = mkdtempSync(join(tmpdir(), "vama-bench-vault-"));
  const vault = await startVault({ binary, logDir: join(work, "vault") });
  let cluster: Awaited<ReturnType<typeof clusterWays>> | undefined;
  try {
    const config = join(ROOT, "accounts.yaml");
    const result = await runSandbox({ configFile: config, workDir: work, endpoint: emulator.endpoint, vault, log: () => undefined });
    if (!result.ok) throw new Error("the sandbox run failed; run npm run sandbox to see why");
    const { model, stacks, env } = await synthForSandbox(config, work, emulator.endpoint, () => undefined);
    const broker = await brokerCredentials(stacks.find((s) => s.name === accountStackName(model.broker.accountName))!, env);
    const aws = { endpoint: emulator.endpoint, region: model.vault.region };
    const target: CheckTarget = checkTargets(model).find((t) => t.vaultRole === "dev-ec2-admin")!;
    cluster = VAULT_NODES > 1 ? await clusterWays(binary, config, work, "developers") : undefined;
    const ways: [string, CredentialSource][] = [
      ["AssumeRole with the broker's key", new BrokerAssumeRole(broker, aws)],
      ["vault write, dev server", new VaultSts((await requesterTokens(vault.root, model)).get("developers")!, "developers")],
      ...(cluster?.ways ?? []),
    ];
    for (const [, way] of ways) await way.issue(target); // warm every connection

    const times = ways.map(() => [] as number[]);
    for (let i = 0; i < CALLS; i++) for (const [w, [, way]] of ways.entries()) times[w].push(await time(() => way.issue(target)));
    const base = percentile(times[0], 50);
    console.log(`\nissuance, ${target.stsPath} (${target.role.roleArn}), ${CALLS} calls each, interleaved`);
    console.log("  way                                p50 (ms)  p95 (ms)");
    for (const [w, [name]] of ways.entries()) console.log(row(name, times[w], w === 0 ? "" : `   p50 ${(percentile(times[w], 50) / base).toFixed(2)}x direct`));

    const perWorker = Math.max(1, Math.round(CALLS / 20));
    const loads = [];
    for (const [, way] of ways) loads.push(await concurrently(CONCURRENCY, perWorker, () => way.issue(target)));
    const baseP95 = percentile(loads[0].times, 95);
    console.log(`\nunder ${CONCURRENCY} concurrent requesters, ${perWorker} calls each`);
    console.log("  way                                p50 (ms)  p95 (ms)  errors");
    for (const [w, [name]] of ways.entries()) {
      const ratio = w === 0 ? "" : `   p95 ${(percentile(loads[w].times, 95) / baseP95).toFixed(2)}x direct`;
      console.log(row(name, loads[w].times, `  ${String(loads[w].errors).padStart(6)}${ratio}`));
    }
  } finally {
    await cluster?.stop();
    await vault.stop();
    await emulator.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Stack names whose synthesized JSON differs between two synth outputs, or exists in one only. */
function changedStacks(beforeOutdir: string, afterOutdir: string): string[] {
  const before = stackFiles(beforeOutdir);
  const after = stackFiles(afterOutdir);
  return [...new Set([...before.keys(), ...after.keys()])].filter((name) => before.get(name) !== after.get(name)).sort();
}

/**
 * The Vault side of a generated estate: first apply of every Vault stack (`vault`, then the roles
 * stacks PARALLELISM at a time), a no-op plan of each, then a pull request adding one account: which
 * Vault stacks its synth changes, and the time to apply them.
 */
async function vaultSideAtSize(binary: string, accounts: number, roleStacks: number): Promise<string> {
  const emulator = await startEmulator();
  const work = mkdtempSync(join(tmpdir(), "vama-bench-vault-size-"));
  const vault = await startVault({ binary, logDir: join(work, "vault") });
  try {
    const config: Record<string, any> = { ...generatedConfig(accounts, 2), vault: { roleStacks } };
    const configFile = join(work, "accounts.yaml");
    writeFileSync(configFile, stringify(config));
    const { model, stacks, env } = await synthForSandbox(configFile, work, emulator.endpoint, () => undefined);
    await applyStack(stacks.find((s) => s.name === accountStackName(model.broker.accountName))!, env);
    const vaultEnv = { ...env, ...vault.env };
    const vaultStacks = stacks.filter((s) => isVaultStack(s.name));
    const [shared, ...roles] = vaultStacks;
    const resources = vaultStacks.reduce((sum, s) => sum + resourceCount(s), 0);
    const largest = Math.max(...roles.map(resourceCount));

    const applyStarted = Date.now();
    await applyStack(shared, vaultEnv);
    await inPool(roles, PARALLELISM, async (s) => void (await applyStack(s, vaultEnv)));
    const applySeconds = (Date.now() - applyStarted) / 1000;

    const planSeconds: number[] = [];
    await inPool(vaultStacks, 1, async (s) => {
      const started = Date.now();
      const plan = await planExitCode(s, vaultEnv);
      if (plan.code !== 0) throw new Error(`the no-op plan of ${s.name} at ${accounts} accounts has changes or failed (exit ${plan.code})`);
      planSeconds.push((Date.now() - started) / 1000);
    });

    // The pull request: one more account, at the end of the list.
    const snapshot = join(work, "before");
    cpSync(join(work, "cdktf.out"), snapshot, { recursive: true });
    config.accounts.push({ ...config.accounts[1], name: "account-added", id: "999999999999" });
    writeFileSync(configFile, stringify(config));
    const after = (await synthForSandbox(configFile, work, emulator.endpoint, () => undefined)).stacks;
    const changedVault = changedStacks(snapshot, join(work, "cdktf.out")).filter(isVaultStack);
    const prStarted = Date.now();
    for (const name of changedVault) await applyStack(after.find((s) => s.name === name)!, vaultEnv);
    const prSeconds = (Date.now() - prStarted) / 1000;

    return [
      String(accounts).padStart(8),
      String(roleStacks).padStart(11),
      String(vaultStacks.length).padStart(12),
      `${resources} (max ${largest})`.padStart(17),
      applySeconds.toFixed(1).padStart(15),
      `${percentile(planSeconds, 50).toFixed(1)} / ${Math.max(...planSeconds).toFixed(1)}`.padStart(22),
      `${changedVault.length} (${changedVault.join(", ")}) ${prSeconds.toFixed(1)} s`.padStart(10),
    ].join("  ");
  } finally {
    await vault.stop();
    await emulator.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

function resourceCount(stack: SynthesizedStack): number {
  const json = JSON.parse(readFileSync(join(stack.dir, "cdk.tf.json"), "utf8"));
  return Object.values<Record<string, unknown>>(json.resource ?? {}).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
}

async function main() {
  const build = await ensureVault((line) => console.error(line));
  console.log(`vault benchmark: vault ${build.version}, node ${process.version}, ${new Date().toISOString()}`);
  if (CALLS > 0) await issuance(build.binary);
  if (SIZES.length > 0) {
    console.log(`\nthe Vault side (each stack's init + apply includes terraform's start-up; roles stacks ${PARALLELISM} at a time; plans are -detailed-exitcode with 0 changes)`);
    console.log("  accounts  roleStacks  Vault stacks  resources (max)  first apply (s)  no-op plan p50/max (s)  adding one account: stacks applied, time");
    for (const size of SIZES) for (const roleStacks of ROLE_STACKS) console.log(await vaultSideAtSize(build.binary, size, roleStacks));
  }
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
