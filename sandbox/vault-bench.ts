/**
 * Vault benchmark, against a real Vault dev server and moto_server, side by side in one run:
 *   1. issuance latency: `vault write <mount>/sts/<role>` with a requester's token against a direct
 *      AssumeRole with the broker's own key (the call Vault's engine makes), CALLS calls each,
 *      interleaved so both see the same machine;
 *   2. the same under CONCURRENCY concurrent requesters (default 50), with error counts;
 *   3. the Vault side at 10, 100 and 1,000 accounts (2 roles each), with the roles in 1 stack and
 *      in 16 (`vault.roleStacks`): first apply of every Vault stack, a no-op plan of each, and a
 *      pull request adding one account (which Vault stacks change, and applying them). Only the
 *      broker's stack is applied on the AWS side; Vault does not look roles up when it stores them.
 * Usage: npm run bench:vault [-- --calls N] [--concurrency N] [--sizes 10,100,1000] [--role-stacks 1,16]
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
import { createBrokerCheckKey, ROOT, runSandbox, synthForSandbox } from "./run-sandbox";
import { ensureVault } from "./vault-build";
import { requesterTokens, VaultSts } from "./vault-checks";
import { startVault } from "./vault-server";

const { values: flags } = parseArgs({
  options: {
    calls: { type: "string", default: "200" },
    concurrency: { type: "string", default: "50" },
    sizes: { type: "string", default: "10,100,1000" },
    "role-stacks": { type: "string", default: "1,16" },
  },
});
const CALLS = Number(flags.calls);
const CONCURRENCY = Number(flags.concurrency);
const SIZES = flags.sizes!.split(",").filter(Boolean).map(Number);
const ROLE_STACKS = flags["role-stacks"]!.split(",").filter(Boolean).map(Number);
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

async function issuance(binary: string): Promise<void> {
  const emulator = await startEmulator();
  const work = mkdtempSync(join(tmpdir(), "vama-bench-vault-"));
  const vault = await startVault({ binary, logDir: join(work, "vault") });
  try {
    const config = join(ROOT, "accounts.yaml");
    const result = await runSandbox({ configFile: config, workDir: work, endpoint: emulator.endpoint, vault, log: () => undefined });
    if (!result.ok) throw new Error("the sandbox run failed; run npm run sandbox to see why");
    const { model, deployRoleName } = await synthForSandbox(config, work, emulator.endpoint, () => undefined);
    // A short-lived key of the broker user (Vault's own never leaves it); it dies with the emulator.
    const broker = (await createBrokerCheckKey(model, { endpoint: emulator.endpoint, region: model.vault.region }, deployRoleName)).credentials;
    const aws = { endpoint: emulator.endpoint, region: model.vault.region };
    const target: CheckTarget = checkTargets(model).find((t) => t.vaultRole === "dev-ec2-admin")!;
    const direct: CredentialSource = new BrokerAssumeRole(broker, aws);
    const viaVault: CredentialSource = new VaultSts((await requesterTokens(vault.root, model)).get("developers")!, "developers");
    await direct.issue(target); // warm both connections
    await viaVault.issue(target);

    const times = { direct: [] as number[], vault: [] as number[] };
    for (let i = 0; i < CALLS; i++) {
      times.direct.push(await time(() => direct.issue(target)));
      times.vault.push(await time(() => viaVault.issue(target)));
    }
    const ratio = percentile(times.vault, 50) / percentile(times.direct, 50);
    console.log(`\nissuance, ${target.stsPath} (${target.role.roleArn}), ${CALLS} calls each, interleaved`);
    console.log("  way                                p50 (ms)  p95 (ms)");
    console.log(row("AssumeRole with the broker's key", times.direct));
    console.log(row("vault write, requester token", times.vault, `   p50 ${ratio.toFixed(2)}x direct`));

    const perWorker = Math.max(1, Math.round(CALLS / 20));
    const directLoad = await concurrently(CONCURRENCY, perWorker, () => direct.issue(target));
    const vaultLoad = await concurrently(CONCURRENCY, perWorker, () => viaVault.issue(target));
    const p95Ratio = percentile(vaultLoad.times, 95) / percentile(directLoad.times, 95);
    console.log(`\nunder ${CONCURRENCY} concurrent requesters, ${perWorker} calls each`);
    console.log("  way                                p50 (ms)  p95 (ms)  errors");
    console.log(row("AssumeRole with the broker's key", directLoad.times, `  ${String(directLoad.errors).padStart(6)}`));
    console.log(row("vault write, requester token", vaultLoad.times, `  ${String(vaultLoad.errors).padStart(6)}   p95 ${p95Ratio.toFixed(2)}x direct`));
  } finally {
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
