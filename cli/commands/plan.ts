import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { isVaultStack, VAULT_STACK_NAME } from "../../lib/names";
import { adoptUnrecordedGroups } from "../../run/adopt-groups";
import { VaultClient } from "../../run/vault-client";
import { type Shard, shardOf, type SynthOutput, type Wave } from "../../pipeline/changes";
import { type BaseFlags, chosenBase, computeChanges, namesVaultAddress, vaultSkipReason } from "../../pipeline/compute";
import { asPlanIdentity, PLAN_FOLDER_MARKER } from "../../pipeline/plan-identity";
import { configuredVaultAddress, vaultAddressProblem } from "../../pipeline/vault-address";
import { countChanges, dangerFlags, type DangerFlag, type PlanSummary, type StackPlan, summaryMarkdown } from "../../pipeline/summary";
import { inPool } from "../../run/pool";
import { copyStack, ensureInit, pipelineEnv, planText, planToFile, progress } from "../../run/runner";
import { parseStackJson, readStackJson, type StackJson } from "../../run/terraform-json";
import type { CommandHandler } from "../context";

/** Options of `vault-aws plan`. */
export interface PlanOptions extends BaseFlags {
  readonly config: string;
  readonly outdir: string;
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
 * removal for stacks to destroy), each in `<out>/stacks/<stack>`, the plans as `<out>/<stack>.tfplan`
 * with their text as `<out>/<stack>.txt`, and `summary.json` and `summary.md` for the reviewer.
 */
export const planCommand: CommandHandler<PlanOptions> = async (options, ctx) => {
  const chosen = chosenBase(options);
  if (existsSync(options.out) && readdirSync(options.out).length > 0 && !existsSync(join(options.out, PLAN_FOLDER_MARKER))) {
    throw new Error(
      `plan refused: --out ${options.out} is a folder vault-aws plan did not create (no ${PLAN_FOLDER_MARKER} in it), and plan empties its --out first; name a new or empty folder`,
    );
  }
  const synthInput = { configFile: options.config, outdir: options.outdir, env: ctx.env, note: ctx.note };
  const { base, current, set } = await computeChanges(chosen.value, synthInput, options.include, chosen.kind);
  const addressProblem = vaultAddressProblem(
    configuredVaultAddress(join(options.outdir, "stacks")),
    ctx.env,
    options.allowVaultAddress ?? false,
  );
  if (addressProblem) throw new Error(`plan refused: ${addressProblem}`);
  const out = resolve(options.out);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, PLAN_FOLDER_MARKER), "made by vault-aws plan, which empties this folder on its next run\n");
  const skip = vaultSkipReason(ctx.env, namesVaultAddress(options.outdir));
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
  const predicted = (stack: string) =>
    set.changes.create.includes(stack) ? "create" : set.changes.update.includes(stack) ? "update" : "destroy";
  ctx.log(
    `plan: ${jobs.length} of ${set.changes.create.length + set.changes.update.length + set.changes.destroy.length} changed stacks${
      options.shard ? ` (shard ${options.shard.index}/${options.shard.count})` : ""
    }; ${set.changes.unchanged} unchanged stacks are not planned`,
  );
  await inPool(jobs, options.parallelism, async ({ stack, action }) => {
    const started = Date.now();
    const from = action === "destroy" ? base : current;
    const dir = join(out, "stacks", stack);
    copyStack(join(from.outdir, "stacks", stack), dir);
    if (options.readOnly) writeFileSync(join(dir, "cdk.tf.json"), `${JSON.stringify(asPlanIdentity(readStackJson(dir)), null, 2)}\n`);
    const planFile = join(out, `${stack}.tfplan`);
    const lock = options.readOnly ? false : undefined;
    // The plan that will be applied first adopts identity groups a lost answer left out of state
    // (see adoptUnrecordedGroups); a read-only plan writes no state.
    if (!options.readOnly && stack === VAULT_STACK_NAME && action !== "destroy" && env.VAULT_ADDR && env.VAULT_TOKEN) {
      await ensureInit(stack, dir, env);
      const vault = new VaultClient(env.VAULT_ADDR, env.VAULT_TOKEN);
      await adoptUnrecordedGroups({ stackName: stack, dir, env, vault, log: ctx.log });
    }
    const changes = await planToFile(stack, dir, planFile, env, { destroy: action === "destroy", lockTimeout: options.lockTimeout, lock });
    const counts = countChanges(changes);
    const text = await planText(stack, dir, planFile, env);
    writeFileSync(join(out, `${stack}.txt`), text);
    stacks[stack] = {
      stack,
      action,
      predicted: predicted(stack),
      ...counts,
      planFile: `${stack}.tfplan`,
      planText: `${stack}.txt`,
      planTextBytes: Buffer.byteLength(text),
    };
    const json = (output: SynthOutput): StackJson | undefined =>
      output.stacks.has(stack) ? parseStackJson(output.stacks.get(stack)!) : undefined;
    danger.push(...dangerFlags(stack, changes, json(base), json(current)));
    done(
      stack,
      `planned ${action === "destroy" ? "destroy " : ""}+${counts.add} ~${counts.change} -${counts.destroy}`,
      (Date.now() - started) / 1000,
    );
  });
  danger.sort((a, b) => a.stack.localeCompare(b.stack) || a.address.localeCompare(b.address));
  const sortedStacks = Object.fromEntries(
    Object.keys(stacks)
      .sort()
      .map((name) => [name, stacks[name]]),
  );
  const summary: PlanSummary = {
    version: 1,
    base: chosen.value,
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
};
