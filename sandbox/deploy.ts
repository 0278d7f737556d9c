import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { isVaultStack } from "../lib/names";
import {
  ensureInit,
  planExitCode as planStackExitCode,
  planToFile,
  type PlannedChange,
  resourceCounts,
  StackFailure,
  terraform,
} from "../run/runner";
import type { SynthesizedStack } from "../run/stacks";

export { StackFailure, type PlannedChange };

/** What happened to one stack. */
export interface StackOutcome {
  readonly stack: string;
  readonly action: "applied" | "destroyed" | "skipped" | "failed";
  readonly seconds: number;
  /** Resource counts, a skip reason, or the error. */
  readonly detail: string;
}

/** `terraform init` and `apply` of one stack, the way a workstation applies without a saved plan. */
export async function applyStack(stack: SynthesizedStack, env: NodeJS.ProcessEnv): Promise<StackOutcome> {
  const started = Date.now();
  await ensureInit(stack.name, stack.dir, env);
  const apply = await terraform(stack.dir, ["apply", "-auto-approve", "-input=false"], env);
  if (apply.code !== 0) throw new StackFailure(stack.name, apply.output);
  return { stack: stack.name, action: "applied", seconds: (Date.now() - started) / 1000, detail: resourceCounts(apply.output) };
}

/** Keeps a copy of what was applied, so the stack can be destroyed once it leaves the config. */
export function keepApplied(stack: SynthesizedStack, appliedDir: string): void {
  mkdirSync(join(appliedDir, stack.name), { recursive: true });
  copyFileSync(join(stack.dir, "cdk.tf.json"), join(appliedDir, stack.name, "cdk.tf.json"));
}

/**
 * Stacks applied before but absent from the current synth: an account removed from the config, or
 * a `vault-roles-NN` stack left with no roles. They are destroyed from the copy kept when they were
 * applied, Vault stacks first, so that a Vault role is gone before the IAM role it hands out.
 */
export function orphanedStacks(appliedDir: string, current: readonly SynthesizedStack[]): SynthesizedStack[] {
  if (!existsSync(appliedDir)) return [];
  const names = new Set(current.map((s) => s.name));
  return readdirSync(appliedDir)
    .filter((name) => !names.has(name))
    .sort((a, b) => Number(isVaultStack(b)) - Number(isVaultStack(a)) || a.localeCompare(b))
    .map((name) => ({ name, dir: join(appliedDir, name), dependencies: [] }));
}

/** `terraform destroy` of a stack that left the config, then forgets its copy. */
export async function destroyStack(stack: SynthesizedStack, env: NodeJS.ProcessEnv): Promise<StackOutcome> {
  const started = Date.now();
  await ensureInit(stack.name, stack.dir, env);
  const destroy = await terraform(stack.dir, ["destroy", "-auto-approve", "-input=false"], env);
  if (destroy.code !== 0) throw new StackFailure(stack.name, destroy.output);
  rmSync(stack.dir, { recursive: true, force: true });
  return { stack: stack.name, action: "destroyed", seconds: (Date.now() - started) / 1000, detail: resourceCounts(destroy.output) };
}

/** Exit code of `terraform plan -detailed-exitcode`: 0 no changes, 2 changes pending, 1 error. */
export function planExitCode(stack: SynthesizedStack, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return planStackExitCode(stack.name, stack.dir, env);
}

/** The changes `terraform plan` would make to a stack, read from the plan's JSON form. */
export async function plannedChanges(stack: SynthesizedStack, env: NodeJS.ProcessEnv): Promise<PlannedChange[]> {
  const planFile = join(stack.dir, "sandbox.tfplan");
  try {
    return await planToFile(stack.name, stack.dir, planFile, env, { lock: false });
  } finally {
    rmSync(planFile, { force: true });
  }
}
