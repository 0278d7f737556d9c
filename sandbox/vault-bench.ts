/**
 * Vault benchmark, against a real Vault dev server and moto_server, side by side in one run:
 *   1. issuance latency: `vault write <mount>/sts/<role>` with a requester's token against a direct
 *      AssumeRole with the broker's own key (the call Vault's engine makes), CALLS calls each,
 *      interleaved so all see the same machine; the requester's token either holds the group's
 *      shard policies (one per roles stack) or its whole policy of the layout before the shards;
 *   2. the same under CONCURRENCY concurrent requesters (default 50), with error counts;
 *   3. the Vault side at 10, 100 and 1,000 accounts (2 roles each), with the roles in 1 stack and
 *      in 16 (`vault.roleStacks`), in each LAYOUT: `shards` (the ACL policies in the roles stacks)
 *      and `before` (`vault.keepLegacyLayout`: each group's whole policy and the `removed` blocks in
 *      `vault`, as before the shards): first apply of every Vault stack, REPEATS no-op plans of each,
 *      and a pull request adding one account (which Vault stacks change, their plan's time and
 *      text, and applying them). Each plan is timed next to a no-op plan of a one-role Vault side
 *      (its own mount, same Vault), the baseline the ratios divide by. Only the broker's stack is
 *      applied on the AWS side; Vault does not look roles up when it stores them.
 *      With --vault-nodes 3 (the default), issuance is also measured through a three-node Raft
 *      cluster's active node and through one of its standbys (which forwards to the active node),
 *      the cluster applied into an emulator of its own.
 * Usage: npm run bench:vault [-- --calls N] [--concurrency N] [--vault-nodes 1|3] [--sizes 10,100,1000] [--role-stacks 1,16]
 *        [--layouts before,shards] [--repeats 3]
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parse, stringify } from "yaml";
import { accountStackName, isVaultStack } from "../lib/names";
import { stackFiles } from "../run/synth-output";
import { type GeneratedConfig, generatedConfig } from "../lib/config/generated";
import { isJsonObject } from "../lib/json";
import { BrokerAssumeRole, type CheckTarget, checkTargets, type CredentialSource } from "./checks";
import { applyStack, planExitCode } from "./deploy";
import { startEmulator } from "./emulator";
import { percentile, time } from "./timing";
import { inPool } from "../run/pool";
import { planText, planToFile } from "../run/runner";
import type { SynthesizedStack } from "../run/stacks";
import { readStackJson } from "../run/terraform-json";
import { createBrokerCheckKey, ROOT, runSandbox, synthForSandbox } from "./run-sandbox";
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
    layouts: { type: "string", default: "before,shards" },
    repeats: { type: "string", default: "3" },
    "vault-nodes": { type: "string", default: "3" },
  },
});
const CALLS = Number(flags.calls);
const CONCURRENCY = Number(flags.concurrency);
const SIZES = flags.sizes!.split(",").filter(Boolean).map(Number);
const ROLE_STACKS = flags["role-stacks"]!.split(",").filter(Boolean).map(Number);
const LAYOUTS = flags.layouts!.split(",").filter(Boolean) as Layout[];
const REPEATS = Number(flags.repeats);
/** `shards`: the ACL policies in the roles stacks; `before`: as before them (`vault.keepLegacyLayout`). */
type Layout = "before" | "shards";
const VAULT_NODES = Number(flags["vault-nodes"]);
/** Stacks applied at once, as the sandbox does. */
const PARALLELISM = 2;

/** `workers` loops at once, `perWorker` calls each; latencies of the calls that worked, and errors. */
async function concurrently(
  workers: number,
  perWorker: number,
  call: () => Promise<unknown>,
): Promise<{ times: number[]; errors: number }> {
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
async function clusterWays(
  binary: string,
  config: string,
  work: string,
  requester: string,
): Promise<{ ways: [string, CredentialSource][]; stop(): Promise<void> }> {
  const emulator = await startEmulator();
  const cluster = await startVaultCluster({ binary, dir: join(work, "cluster"), nodes: VAULT_NODES });
  const stop = async () => {
    await cluster.stop();
    await emulator.stop();
  };
  try {
    const active = await cluster.leader();
    const result = await runSandbox({
      configFile: config,
      workDir: join(work, "cluster-work"),
      endpoint: emulator.endpoint,
      vault: cluster.through(active),
      log: () => undefined,
    });
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
    // The example with the layout before the shards kept, so that both kinds of token work.
    const config = join(work, "accounts.yaml");
    const example: unknown = parse(readFileSync(join(ROOT, "accounts.yaml"), "utf8"));
    if (!isJsonObject(example)) throw new Error("accounts.yaml holds no mapping");
    const vaultBlock = isJsonObject(example.vault) ? example.vault : {};
    writeFileSync(config, stringify({ ...example, vault: { ...vaultBlock, keepLegacyLayout: true } }));
    const result = await runSandbox({ configFile: config, workDir: work, endpoint: emulator.endpoint, vault, log: () => undefined });
    if (!result.ok) throw new Error("the sandbox run failed; run npm run sandbox to see why");
    const { model, deployRoleName } = await synthForSandbox(config, work, emulator.endpoint, () => undefined);
    // A short-lived key of the broker user (Vault's own never leaves it); it dies with the emulator.
    const broker = (await createBrokerCheckKey(model, { endpoint: emulator.endpoint, region: model.vault.region }, deployRoleName))
      .credentials;
    const aws = { endpoint: emulator.endpoint, region: model.vault.region };
    const target: CheckTarget = checkTargets(model).find((t) => t.vaultRole === "dev-ec2-admin")!;
    cluster = VAULT_NODES > 1 ? await clusterWays(binary, config, work, "developers") : undefined;
    const developers = model.requesterPolicies.find((p) => p.requester === "developers")!;
    const token = async (policies: readonly string[]) =>
      new VaultSts(vault.root.withToken(await vault.root.createToken(policies)), "developers");
    const ways: [string, CredentialSource][] = [
      ["AssumeRole with the broker's key", new BrokerAssumeRole(broker, aws)],
      [
        `vault write, ${developers.policyNames.length - 1} shard policies`,
        await token(developers.policyNames.filter((name) => name !== developers.name)),
      ],
      ["vault write, the whole policy", await token([developers.name])],
      ...(cluster?.ways ?? []),
    ];
    for (const [, way] of ways) await way.issue(target); // warm every connection

    const times = ways.map(() => [] as number[]);
    for (let i = 0; i < CALLS; i++) for (const [w, [, way]] of ways.entries()) times[w].push(await time(() => way.issue(target)));
    const base = percentile(times[0], 50);
    console.log(`\nissuance, ${target.stsPath} (${target.role.roleArn}), ${CALLS} calls each, interleaved; load ${load()}`);
    console.log("  way                                p50 (ms)  p95 (ms)");
    for (const [w, [name]] of ways.entries())
      console.log(row(name, times[w], w === 0 ? "" : `   p50 ${(percentile(times[w], 50) / base).toFixed(2)}x direct`));

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

/** The 1, 5 and 15 minute load averages, and the cores they compare to. */
function load(): string {
  return `${loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ")} on ${cpus().length} cores`;
}

/** One no-op plan of a stack: its seconds, failing when it has changes. */
async function noOpPlanSeconds(stack: SynthesizedStack, env: NodeJS.ProcessEnv, what: string): Promise<number> {
  const started = Date.now();
  const plan = await planExitCode(stack, env);
  if (plan.code !== 0) {
    throw new Error(`the no-op plan of ${stack.name} (${what}) has changes or failed (exit ${plan.code}):\n${plan.output.slice(-2000)}`);
  }
  return (Date.now() - started) / 1000;
}

/**
 * The baseline: a Vault side holding a single role under its own mount, in the same Vault (its
 * broker in another emulated account). Returns its roles stack, which the ratios plan beside.
 */
async function baselineSide(
  emulator: { endpoint: string },
  vaultEnv: NodeJS.ProcessEnv,
  work: string,
): Promise<{ stack: SynthesizedStack; env: NodeJS.ProcessEnv }> {
  const config = generatedConfig(1, 1);
  config.accounts[0].id = "100000000999";
  config.vault = { mount: "aws-baseline", roleStacks: 1 };
  const configFile = join(work, "baseline.yaml");
  writeFileSync(configFile, stringify(config));
  const { model, stacks, env } = await synthForSandbox(configFile, join(work, "baseline"), emulator.endpoint, () => undefined);
  await applyStack(
    stacks.find((s) => s.name === accountStackName(model.broker.accountName))!,
    env,
  );
  const vaultStacks = stacks.filter((s) => isVaultStack(s.name));
  for (const s of vaultStacks) await applyStack(s, { ...env, ...vaultEnv });
  const roles = vaultStacks.find((s) => s.name !== "vault")!;
  if (resourceCount(roles) !== 2) {
    throw new Error(`the baseline's roles stack should hold one role and its policy, not ${resourceCount(roles)} resources`);
  }
  return { stack: roles, env: { ...env, ...vaultEnv } };
}

/**
 * The Vault side of a generated estate in one layout: first apply of every Vault stack (`vault`,
 * then the roles stacks PARALLELISM at a time), REPEATS no-op plans of each, then a pull request
 * adding one account: which Vault stacks its synth changes, the plan of each (time and text), and
 * the time to apply them. Every plan is followed by a plan of the one-role baseline, so that the
 * ratios compare plans made under the same load.
 */
async function vaultSideAtSize(binary: string, accounts: number, roleStacks: number, layout: Layout): Promise<string> {
  const emulator = await startEmulator();
  const work = mkdtempSync(join(tmpdir(), "vama-bench-vault-size-"));
  const vault = await startVault({ binary, logDir: join(work, "vault") });
  try {
    const config: GeneratedConfig = { ...generatedConfig(accounts, 2), vault: { roleStacks, keepLegacyLayout: layout === "before" } };
    const configFile = join(work, "accounts.yaml");
    writeFileSync(configFile, stringify(config));
    const { model, stacks, env } = await synthForSandbox(configFile, work, emulator.endpoint, () => undefined);
    await applyStack(
      stacks.find((s) => s.name === accountStackName(model.broker.accountName))!,
      env,
    );
    const vaultEnv = { ...env, ...vault.env };
    const baseline = await baselineSide(emulator, vault.env, work);
    const baselineSeconds: number[] = [];
    const besideBaseline = async (stack: SynthesizedStack, what: string) => {
      const seconds = await noOpPlanSeconds(stack, vaultEnv, what);
      baselineSeconds.push(await noOpPlanSeconds(baseline.stack, baseline.env, "baseline"));
      return seconds;
    };
    const vaultStacks = stacks.filter((s) => isVaultStack(s.name));
    const [shared, ...roles] = vaultStacks;
    const resources = vaultStacks.reduce((sum, s) => sum + resourceCount(s), 0);
    const largest = Math.max(...vaultStacks.map(resourceCount));

    const applyStarted = Date.now();
    await applyStack(shared, vaultEnv);
    await inPool(roles, PARALLELISM, async (s) => void (await applyStack(s, vaultEnv)));
    const applySeconds = (Date.now() - applyStarted) / 1000;

    const loadBefore = load();
    const planSeconds = new Map<string, number[]>(vaultStacks.map((s) => [s.name, []]));
    for (let i = 0; i < REPEATS; i++) {
      for (const s of vaultStacks) planSeconds.get(s.name)!.push(await besideBaseline(s, `${accounts} accounts, ${layout}`));
    }
    const medians = [...planSeconds.entries()].map(([name, times]) => [name, percentile(times, 50)] as const);
    const [slowestName, slowest] = medians.reduce((a, b) => (b[1] > a[1] ? b : a));

    // The pull request: one more account, at the end of the list.
    const snapshot = join(work, "before");
    cpSync(join(work, "cdktf.out"), snapshot, { recursive: true });
    config.accounts.push({ ...config.accounts[1], name: "account-added", id: "999999999999" });
    writeFileSync(configFile, stringify(config));
    const after = (await synthForSandbox(configFile, work, emulator.endpoint, () => undefined)).stacks;
    const changedVault = changedStacks(snapshot, join(work, "cdktf.out")).filter(isVaultStack);
    const prPlans: { name: string; seconds: number; kb: number; textKb: number }[] = [];
    for (const name of changedVault) {
      const stack = after.find((s) => s.name === name)!;
      const times: number[] = [];
      let kb = 0;
      let textKb = 0;
      for (let i = 0; i < REPEATS; i++) {
        const started = Date.now();
        const plan = await planExitCode(stack, vaultEnv);
        times.push((Date.now() - started) / 1000);
        if (plan.code !== 2) {
          throw new Error(
            `the plan of ${name} for the added account should have changes (exit ${plan.code}):\n${plan.output.slice(-2000)}`,
          );
        }
        kb = Buffer.byteLength(plan.output) / 1024;

        baselineSeconds.push(await noOpPlanSeconds(baseline.stack, baseline.env, "baseline"));
      }
      // The plan's text as `vault-aws plan` hands it to the reviewer (`<stack>.txt`): `terraform
      // show` of the saved plan, without the refresh lines `terraform plan` prints per resource.
      const planFile = join(work, `${name}.bench.tfplan`);
      await planToFile(name, stack.dir, planFile, vaultEnv, { lock: false });
      textKb = Buffer.byteLength(await planText(name, stack.dir, planFile, vaultEnv)) / 1024;
      rmSync(planFile, { force: true });
      prPlans.push({ name, seconds: percentile(times, 50), kb, textKb });
    }
    const prStarted = Date.now();
    for (const name of changedVault)
      await applyStack(
        after.find((s) => s.name === name)!,
        vaultEnv,
      );
    const prSeconds = (Date.now() - prStarted) / 1000;

    const base = percentile(baselineSeconds, 50);
    const slowestPr = prPlans.reduce((a, b) => (b.seconds > a.seconds ? b : a), { name: "-", seconds: 0, kb: 0, textKb: 0 });
    return [
      String(accounts).padStart(8),
      String(roleStacks).padStart(11),
      layout.padStart(7),
      String(vaultStacks.length).padStart(7),
      `${resources} (max ${largest})`.padStart(17),
      applySeconds.toFixed(1).padStart(8),
      base.toFixed(2).padStart(9),
      `${slowest.toFixed(2)} ${slowestName} (${(slowest / base).toFixed(1)}x)`.padStart(30),
      `${changedVault.length}: ${prPlans.map((p) => `${p.name} ${p.seconds.toFixed(2)} s plan prints ${p.kb.toFixed(1)} KB, plan text ${p.textKb.toFixed(1)} KB`).join(", ")}`,
      `(slowest ${(slowestPr.seconds / base).toFixed(1)}x); apply ${prSeconds.toFixed(1)} s`,
      `load ${loadBefore} → ${load()}`,
    ].join("  ");
  } finally {
    await vault.stop();
    await emulator.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

function resourceCount(stack: SynthesizedStack): number {
  return Object.values(readStackJson(stack.dir).resource ?? {}).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
}

async function main() {
  const build = await ensureVault((line) => console.error(line));
  console.log(`vault benchmark: vault ${build.version}, node ${process.version}, ${new Date().toISOString()}`);
  if (CALLS > 0) await issuance(build.binary);
  if (SIZES.length > 0) {
    console.log(
      `\nthe Vault side (each stack's init + apply includes terraform's start-up; roles stacks ${PARALLELISM} at a time; ` +
        `plans are -detailed-exitcode, medians of ${REPEATS}, each followed by a plan of the one-role baseline)`,
    );
    console.log(
      "  accounts  roleStacks  layout  stacks  resources (max)  apply (s)  baseline (s)  slowest no-op plan (s, x baseline)" +
        "  adding one account: Vault stacks changed, plan of each, apply",
    );
    for (const size of SIZES) {
      for (const roleStacks of ROLE_STACKS)
        for (const layout of LAYOUTS) console.log(await vaultSideAtSize(build.binary, size, roleStacks, layout));
    }
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
