import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describeAccess } from "../lib/access";
import { isVaultStack } from "../lib/names";
import { sandboxFromEnv } from "../lib/sandbox";
import { inPool } from "../sandbox/pool";
import { stacksInOrder } from "../sandbox/stacks";
import { synthesize } from "../synth";
import { type BaseKind, baseSynth, resolveBase } from "./base";
import { type ChangeSet, compareOutputs, readSynthOutput, type Shard, shardOf, type SynthOutput, type Wave } from "./changes";
import { configuredVaultAddress, vaultAddressProblem } from "./vault-address";
import { asPlanIdentity, PLAN_FOLDER_MARKER } from "./plan-identity";
import { applyPlanFile, copyStack, pipelineEnv, planExitCode, planToFile, progress, showPlan, StackFailure } from "./runner";
import { countChanges, dangerFlags, type DangerFlag, type PlanSummary, type StackPlan, summaryMarkdown } from "./summary";

/** What every pipeline command reads: the config, the output folder, where lines go. */
export interface CommandContext {
  readonly configFile: string;
  readonly outdir: string;
  readonly env: NodeJS.ProcessEnv;
  /** Progress and results. */
  readonly log: (line: string) => void;
  /** Warnings and notes that must not mix into `--json` output. */
  readonly note: (line: string) => void;
}

/** The base and current synth outputs and what changes between them. */
export interface ComputedChanges {
  readonly base: SynthOutput;
  readonly current: SynthOutput;
  readonly set: ChangeSet;
}

/**
 * Synthesizes the current sources and config into the output folder and the base (a folder, or a
 * git ref's code and config, cached), at the same time, and compares them.
 */
export async function computeChanges(baseArg: string, ctx: CommandContext, include: readonly string[] = [], baseKind: BaseKind = "either"): Promise<ComputedChanges> {
  const source = resolveBase(baseArg, process.cwd(), baseKind);
  // The base synth runs in a child process while the current one runs here.
  const pending = source.kind === "folder" ? Promise.resolve(source.outdir) : baseSynth(source, { configFile: ctx.configFile, outdir: ctx.outdir, env: ctx.env, log: ctx.note });
  pending.catch(() => undefined); // awaited below; a failure of the current synth must not leave it unhandled
  synthesize({ configFile: ctx.configFile, outdir: ctx.outdir, localStateDir: process.cwd(), sandbox: sandboxFromEnv(ctx.env), warn: ctx.note });
  const baseDir = await pending;
  const base = readSynthOutput(baseDir);
  const current = readSynthOutput(ctx.outdir);
  return { base, current, set: compareOutputs(base, current, include) };
}

/** `vault-aws changes`: the stacks a change touches, as text or as the JSON pipelines read. */
export async function changesCommand(baseArg: string, json: boolean, ctx: CommandContext, baseKind: BaseKind = "either"): Promise<number> {
  const started = Date.now();
  const { set } = await computeChanges(baseArg, ctx, [], baseKind);
  const { changes } = set;
  if (json) {
    ctx.log(JSON.stringify(changes));
    return 0;
  }
  const names = (list: readonly string[]) => (list.length > 20 ? `${list.slice(0, 20).join(", ")} … and ${list.length - 20} more` : list.join(", "));
  ctx.log(`changes against ${baseArg}: ${changes.create.length} to create, ${changes.update.length} to update, ${changes.destroy.length} to destroy, ${changes.unchanged} unchanged (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  for (const [label, list] of [["create", changes.create], ["update", changes.update], ["destroy", changes.destroy]] as const) {
    if (list.length > 0) ctx.log(`  ${label.padEnd(8)}${names(list)}`);
  }
  set.waveDetails.forEach((wave, i) => ctx.log(`  wave ${i + 1} (${wave.action}): ${names(wave.stacks)}`));
  if (!set.accessKnown) ctx.log("access: unknown: the base has no access.json (synthesized before this release)");
  else if (changes.access.granted.length + changes.access.revoked.length === 0) ctx.log("access: no requester gains or loses access");
  for (const entry of changes.access.granted) ctx.log(`  + ${describeAccess(entry, "granted")}`);
  for (const entry of changes.access.revoked) ctx.log(`  - ${describeAccess(entry, "revoked")}`);
  return 0;
}

/** Why a Vault stack is not planned or applied, or `undefined` when Vault is reachable. */
export function vaultSkipReason(env: NodeJS.ProcessEnv, configuredAddress: boolean): string | undefined {
  if (env.VAULT_ADDR || configuredAddress) return undefined;
  return "skipped: no Vault provider is available (VAULT_ADDR is not set and the config names no vault.address)";
}

/** Whether the vault stack in `outdir` names an address (the config's `vault.address`). */
function namesVaultAddress(outdir: string): boolean {
  return configuredVaultAddress(join(outdir, "stacks")) !== undefined;
}

/** Options of `vault-aws plan`. */
export interface PlanOptions {
  readonly base: string;
  /**
   * Which flag named the base.
   * @default "either" - `--base`
   */
  readonly baseKind?: BaseKind;
  readonly out: string;
  readonly parallelism: number;
  readonly shard?: Shard;
  /** Stacks to plan even though their JSON did not change. */
  readonly include: readonly string[];
  /** How long to wait for a state lock held by someone else. */
  readonly lockTimeout: string;
  /**
   * Let the config's `vault.address` receive `VAULT_TOKEN` though `VAULT_ADDR` names another address.
   * @default false
   */
  readonly allowVaultAddress?: boolean;
  /**
   * Plan as the pipeline's plan identity: AWS providers assume `vault-aws-plan`, no state lock is
   * taken, and the plans cannot be applied.
   * @default false
   */
  readonly readOnly?: boolean;
}

/**
 * `vault-aws plan`: `terraform init` and `plan -out` of exactly the stacks `changes` lists (their
 * removal for stacks to destroy), each in `<out>/stacks/<stack>`, the plans as `<out>/<stack>.tfplan`,
 * and `summary.json` and `summary.md` for the reviewer.
 */
export async function planCommand(options: PlanOptions, ctx: CommandContext): Promise<number> {
  if (existsSync(options.out) && readdirSync(options.out).length > 0 && !existsSync(join(options.out, PLAN_FOLDER_MARKER))) {
    ctx.note(`plan refused: --out ${options.out} is a folder vault-aws plan did not create (no ${PLAN_FOLDER_MARKER} in it), and plan empties its --out first; name a new or empty folder`);
    return 1;
  }
  const { base, current, set } = await computeChanges(options.base, ctx, options.include, options.baseKind);
  const addressProblem = vaultAddressProblem(configuredVaultAddress(join(ctx.outdir, "stacks")), ctx.env, options.allowVaultAddress ?? false);
  if (addressProblem) {
    ctx.note(`plan refused: ${addressProblem}`);
    return 1;
  }
  const out = resolve(options.out);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, PLAN_FOLDER_MARKER), "made by vault-aws plan, which empties this folder on its next run\n");
  const skip = vaultSkipReason(ctx.env, namesVaultAddress(ctx.outdir));
  const waves: Wave[] = [];
  const skipped: string[] = [];
  // Every wave of the change is kept, empty ones included, so the shards' waves line up by index.
  for (const wave of shardOf(set.waveDetails, options.shard)) {
    waves.push({ action: wave.action, stacks: wave.stacks.filter((s) => !(skip && isVaultStack(s))) });
    skipped.push(...wave.stacks.filter((s) => skip && isVaultStack(s)));
  }
  for (const stack of skipped) ctx.log(`${stack}: ${skip}`);
  const env = pipelineEnv(ctx.env);
  const jobs = waves.flatMap((wave) => wave.stacks.map((stack) => ({ stack, action: wave.action })));
  const done = progress(jobs.length, ctx.log);
  const stacks: Record<string, StackPlan> = {};
  const danger: DangerFlag[] = [];
  const predicted = (stack: string) => (set.changes.create.includes(stack) ? "create" : set.changes.update.includes(stack) ? "update" : "destroy");
  ctx.log(`plan: ${jobs.length} of ${set.changes.create.length + set.changes.update.length + set.changes.destroy.length} changed stacks${options.shard ? ` (shard ${options.shard.index}/${options.shard.count})` : ""}; ${set.changes.unchanged} unchanged stacks are not planned`);
  await inPool(jobs, options.parallelism, async ({ stack, action }) => {
    const started = Date.now();
    const from = action === "destroy" ? base : current;
    const dir = join(out, "stacks", stack);
    copyStack(join(from.outdir, "stacks", stack), dir);
    if (options.readOnly) writeFileSync(join(dir, "cdk.tf.json"), `${JSON.stringify(asPlanIdentity(JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8"))), null, 2)}\n`);
    const planFile = join(out, `${stack}.tfplan`);
    const lock = options.readOnly ? false : undefined;
    const changes = await planToFile(stack, dir, planFile, env, { destroy: action === "destroy", lockTimeout: options.lockTimeout, lock });
    const counts = countChanges(changes);
    stacks[stack] = { stack, action, predicted: predicted(stack), ...counts, planFile: `${stack}.tfplan` };
    const json = (output: SynthOutput) => (output.stacks.has(stack) ? JSON.parse(output.stacks.get(stack)!) : undefined);
    danger.push(...dangerFlags(stack, changes, json(base), json(current)));
    done(stack, `planned ${action === "destroy" ? "destroy " : ""}+${counts.add} ~${counts.change} -${counts.destroy}`, (Date.now() - started) / 1000);
  });
  danger.sort((a, b) => a.stack.localeCompare(b.stack) || a.address.localeCompare(b.address));
  const sortedStacks = Object.fromEntries(Object.keys(stacks).sort().map((name) => [name, stacks[name]]));
  const summary: PlanSummary = {
    version: 1,
    base: options.base,
    shard: options.shard ? `${options.shard.index}/${options.shard.count}` : undefined,
    changes: set.changes,
    accessKnown: set.accessKnown,
    waves,
    stacks: sortedStacks,
    danger,
    ...(options.readOnly && { readOnly: true }),
  };
  writeFileSync(join(out, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(join(out, "summary.md"), summaryMarkdown(summary));
  ctx.log(`plan: ${Object.keys(stacks).length} plans, ${danger.length} danger flags; ${join(options.out, "summary.md")} is the review`);
  return 0;
}

/** The marker `apply` leaves beside a stack once its plan is applied, so a rerun skips it. */
const APPLIED_MARKER = "applied";

/** Reads `summary.json` of one or more plan folders (one per shard) and merges their waves in order. */
export function readPlans(dirs: readonly string[]): { waves: { action: Wave["action"]; stacks: { stack: string; dir: string }[] }[] } {
  const waves: { action: Wave["action"]; stacks: { stack: string; dir: string }[] }[] = [];
  let first: { dir: string; changes: string } | undefined;
  for (const dir of dirs) {
    const file = join(dir, "summary.json");
    if (!existsSync(file)) throw new Error(`--plans ${dir}: no summary.json there; pass the folder vault-aws plan --out wrote`);
    const summary = JSON.parse(readFileSync(file, "utf8")) as PlanSummary;
    if (summary.readOnly) throw new Error(`--plans ${dir}: these plans were made by the plan identity (--read-only) for review; they cannot be applied: plan again as the apply identity`);
    first ??= { dir, changes: JSON.stringify(summary.changes) };
    if (JSON.stringify(summary.changes) !== first.changes) throw new Error(`--plans: ${dir} and ${first.dir} are not shards of one plan (their changes differ); plan again`);
    summary.waves.forEach((wave, i) => {
      waves[i] ??= { action: wave.action, stacks: [] };
      if (waves[i].action !== wave.action) throw new Error(`--plans: wave ${i + 1} applies in one folder and destroys in another; the folders are not shards of one plan`);
      waves[i].stacks.push(...wave.stacks.map((stack) => ({ stack, dir: resolve(dir) })));
    });
  }
  return { waves };
}

/**
 * `vault-aws apply`: applies the saved plans wave by wave. Stops at the first failure, naming the
 * stack; later waves are not applied, and a rerun applies only what is left. A stale plan is
 * refused by Terraform and reported as such.
 */
export async function applyCommand(options: { plans: readonly string[]; parallelism: number; lockTimeout: string; allowVaultAddress?: boolean }, ctx: CommandContext): Promise<number> {
  const { plans, parallelism } = options;
  const { waves } = readPlans(plans);
  for (const dir of plans) {
    const problem = vaultAddressProblem(configuredVaultAddress(join(dir, "stacks")), ctx.env, options.allowVaultAddress ?? false);
    if (problem) {
      ctx.note(`apply refused (${dir}): ${problem}`);
      return 1;
    }
  }
  const env = pipelineEnv(ctx.env);
  const all = waves.flatMap((w) => w.stacks);
  const left = all.filter(({ stack, dir }) => !existsSync(join(dir, "stacks", stack, APPLIED_MARKER)));
  ctx.log(`apply: ${left.length} plans to apply in ${waves.filter((w) => w.stacks.length > 0).length} waves${all.length > left.length ? ` (${all.length - left.length} applied by an earlier run)` : ""}`);
  const done = progress(left.length, ctx.log);
  for (const [i, wave] of waves.entries()) {
    const pending = wave.stacks.filter(({ stack, dir }) => !existsSync(join(dir, "stacks", stack, APPLIED_MARKER)));
    if (pending.length === 0) continue;
    ctx.log(`wave ${i + 1} of ${waves.length} (${wave.action}): ${pending.map((p) => p.stack).join(", ")}`);
    try {
      await inPool(pending, parallelism, async ({ stack, dir }) => {
        const started = Date.now();
        const counts = await applyPlanFile(stack, join(dir, "stacks", stack), join(dir, `${stack}.tfplan`), env, options.lockTimeout);
        writeFileSync(join(dir, "stacks", stack, APPLIED_MARKER), `${new Date().toISOString()}\n`);
        done(stack, `${wave.action === "destroy" ? "destroyed" : "applied"} ${counts}`, (Date.now() - started) / 1000);
      });
    } catch (error) {
      if (error instanceof StackFailure) {
        const later = waves.slice(i + 1).reduce((n, w) => n + w.stacks.length, 0);
        ctx.note(`apply: ${error.message}\napply stopped in wave ${i + 1}; ${later} stacks of later waves are not applied. Fix the cause and rerun the same command: it applies only what is left.`);
        return 1;
      }
      throw error;
    }
  }
  ctx.log(`apply: done, ${left.length} plans applied`);
  return 0;
}

/** One drifted stack: its resources whose real state differs from the configuration. */
export interface Drift {
  readonly stack: string;
  readonly resources: readonly { readonly address: string; readonly actions: readonly string[] }[];
}

/**
 * `vault-aws drift`: plans every stack (`-detailed-exitcode`, without the lock) and lists those
 * with changes and their resource addresses. Exit 2 when there is drift, 1 when a plan fails.
 */
export async function driftCommand(options: { parallelism: number; shard?: Shard; json: boolean; readOnly?: boolean }, ctx: CommandContext): Promise<number> {
  synthesize({ configFile: ctx.configFile, outdir: ctx.outdir, localStateDir: process.cwd(), sandbox: sandboxFromEnv(ctx.env), warn: ctx.note });
  const skip = vaultSkipReason(ctx.env, namesVaultAddress(ctx.outdir));
  const stacks = stacksInOrder(ctx.outdir);
  // As the plan identity: drift only reads (its plans never take the lock and are never applied).
  if (options.readOnly) for (const s of stacks) writeFileSync(join(s.dir, "cdk.tf.json"), `${JSON.stringify(asPlanIdentity(JSON.parse(readFileSync(join(s.dir, "cdk.tf.json"), "utf8"))), null, 2)}\n`);
  const [wave] = shardOf([{ stacks: stacks.map((s) => s.name) }], options.shard);
  const chosen = stacks.filter((s) => wave.stacks.includes(s.name));
  const skipped = chosen.filter((s) => skip && isVaultStack(s.name));
  for (const s of skipped) ctx.note(`${s.name}: ${skip}`);
  const planned = chosen.filter((s) => !skipped.includes(s));
  const env = pipelineEnv(ctx.env);
  const done = progress(planned.length, ctx.note);
  const drifted: Drift[] = [];
  const failed: string[] = [];
  await inPool(planned, options.parallelism, async (stack) => {
    const started = Date.now();
    const planFile = join(stack.dir, "drift.tfplan");
    try {
      const plan = await planExitCode(stack.name, stack.dir, env, planFile);
      if (plan.code === 2) {
        const resources = (await showPlan(stack.name, stack.dir, planFile, env)).filter((c) => !c.actions.includes("no-op")).map((c) => ({ address: c.address, actions: c.actions }));
        drifted.push({ stack: stack.name, resources });
      } else if (plan.code !== 0) {
        failed.push(stack.name);
        ctx.note(`${stack.name}: plan failed:\n${plan.output.trim().split("\n").slice(-10).join("\n")}`);
      }
      done(stack.name, plan.code === 0 ? "in sync" : plan.code === 2 ? "DRIFTED" : "plan failed", (Date.now() - started) / 1000);
    } finally {
      rmSync(planFile, { force: true });
    }
  });
  drifted.sort((a, b) => a.stack.localeCompare(b.stack));
  if (options.json) {
    ctx.log(JSON.stringify({ drifted, failed: failed.sort(), skipped: skipped.map((s) => s.name), inSync: planned.length - drifted.length - failed.length }));
  } else {
    ctx.log(`drift: ${drifted.length} of ${planned.length} stacks drifted${failed.length > 0 ? `, ${failed.length} failed to plan (${failed.join(", ")})` : ""}${skipped.length > 0 ? `, ${skipped.length} skipped` : ""}`);
    for (const d of drifted) {
      ctx.log(`  ${d.stack}:`);
      for (const r of d.resources) ctx.log(`    ${r.actions.join("/").padEnd(14)} ${r.address}`);
    }
  }
  return failed.length > 0 ? 1 : drifted.length > 0 ? 2 : 0;
}
