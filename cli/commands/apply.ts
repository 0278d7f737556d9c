import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Wave } from "../../pipeline/changes";
import type { PlanSummary } from "../../pipeline/summary";
import { configuredVaultAddress, vaultAddressProblem } from "../../pipeline/vault-address";
import { inPool } from "../../run/pool";
import { applyPlanFile, pipelineEnv, progress, StackFailure } from "../../run/runner";
import type { CommandHandler } from "../context";

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
    if (summary.readOnly)
      throw new Error(
        `--plans ${dir}: these plans were made by the plan identity (--read-only) for review; they cannot be applied: plan again as the apply identity`,
      );
    first ??= { dir, changes: JSON.stringify(summary.changes) };
    if (JSON.stringify(summary.changes) !== first.changes)
      throw new Error(`--plans: ${dir} and ${first.dir} are not shards of one plan (their changes differ); plan again`);
    summary.waves.forEach((wave, i) => {
      waves[i] ??= { action: wave.action, stacks: [] };
      if (waves[i].action !== wave.action)
        throw new Error(`--plans: wave ${i + 1} applies in one folder and destroys in another; the folders are not shards of one plan`);
      waves[i].stacks.push(...wave.stacks.map((stack) => ({ stack, dir: resolve(dir) })));
    });
  }
  return { waves };
}

/** Options of `vault-aws apply`. */
export interface ApplyOptions {
  readonly plans: readonly string[];
  readonly parallelism: number;
  readonly lockTimeout: string;
  /** Let the plans' `vault.address` receive `VAULT_TOKEN` though `VAULT_ADDR` differs. @default false */
  readonly allowVaultAddress?: boolean;
}

/**
 * `vault-aws apply`: applies the saved plans wave by wave. Stops at the first failure, naming the
 * stack; later waves are not applied, and a rerun applies only what is left. A stale plan is
 * refused by Terraform and reported as such.
 */
export const applyCommand: CommandHandler<ApplyOptions> = async (options, ctx) => {
  const { plans, parallelism } = options;
  const { waves } = readPlans(plans);
  for (const dir of plans) {
    const problem = vaultAddressProblem(configuredVaultAddress(join(dir, "stacks")), ctx.env, options.allowVaultAddress ?? false);
    if (problem) throw new Error(`apply refused (${dir}): ${problem}`);
  }
  const env = pipelineEnv(ctx.env);
  const all = waves.flatMap((w) => w.stacks);
  const left = all.filter(({ stack, dir }) => !existsSync(join(dir, "stacks", stack, APPLIED_MARKER)));
  ctx.log(
    `apply: ${left.length} plans to apply in ${waves.filter((w) => w.stacks.length > 0).length} waves${all.length > left.length ? ` (${all.length - left.length} applied by an earlier run)` : ""}`,
  );
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
        ctx.note(
          `apply: ${error.message}\napply stopped in wave ${i + 1}; ${later} stacks of later waves are not applied. Fix the cause and rerun the same command: it applies only what is left.`,
        );
        return 1;
      }
      throw error;
    }
  }
  ctx.log(`apply: done, ${left.length} plans applied`);
  return 0;
};
