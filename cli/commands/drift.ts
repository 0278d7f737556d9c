import { join } from "node:path";
import { rmSync, writeFileSync } from "node:fs";
import { isVaultStack } from "../../lib/names";
import { sandboxFromEnv } from "../../lib/sandbox";
import { type Shard, shardOf } from "../../pipeline/changes";
import { namesVaultAddress, vaultSkipReason } from "../../pipeline/compute";
import { asPlanIdentity } from "../../pipeline/plan-identity";
import { inPool } from "../../run/pool";
import { pipelineEnv, planExitCode, progress, showPlan } from "../../run/runner";
import { stacksInOrder } from "../../run/stacks";
import { readStackJson } from "../../run/terraform-json";
import { synthesize } from "../../synth";
import type { CommandHandler } from "../context";

/** Options of `vault-aws drift`. */
export interface DriftOptions {
  readonly config: string;
  readonly outdir: string;
  readonly parallelism: number;
  readonly shard?: Shard;
  readonly json: boolean;
  /**
   * Check as the pipeline's plan identity: AWS providers assume `vault-aws-plan`.
   * @default false
   */
  readonly readOnly?: boolean;
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
export const driftCommand: CommandHandler<DriftOptions> = async (options, ctx) => {
  synthesize({
    configFile: options.config,
    outdir: options.outdir,
    localStateDir: process.cwd(),
    sandbox: sandboxFromEnv(ctx.env),
    warn: ctx.note,
  });
  const skip = vaultSkipReason(ctx.env, namesVaultAddress(options.outdir));
  const stacks = stacksInOrder(options.outdir);
  // As the plan identity: drift only reads (its plans never take the lock and are never applied).
  if (options.readOnly)
    for (const s of stacks) writeFileSync(join(s.dir, "cdk.tf.json"), `${JSON.stringify(asPlanIdentity(readStackJson(s.dir)), null, 2)}\n`);
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
        const resources = (await showPlan(stack.name, stack.dir, planFile, env))
          .filter((c) => !c.actions.includes("no-op"))
          .map((c) => ({ address: c.address, actions: c.actions }));
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
    ctx.log(
      JSON.stringify({
        drifted,
        failed: failed.sort(),
        skipped: skipped.map((s) => s.name),
        inSync: planned.length - drifted.length - failed.length,
      }),
    );
  } else {
    ctx.log(
      `drift: ${drifted.length} of ${planned.length} stacks drifted${failed.length > 0 ? `, ${failed.length} failed to plan (${failed.join(", ")})` : ""}${skipped.length > 0 ? `, ${skipped.length} skipped` : ""}`,
    );
    for (const d of drifted) {
      ctx.log(`  ${d.stack}:`);
      for (const r of d.resources) ctx.log(`    ${r.actions.join("/").padEnd(14)} ${r.address}`);
    }
  }
  return failed.length > 0 ? 1 : drifted.length > 0 ? 2 : 0;
};
