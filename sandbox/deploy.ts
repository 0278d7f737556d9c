import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { terraform } from "../scripts/terraform";
import { isVaultStack } from "../lib/names";
import type { SynthesizedStack } from "./stacks";

/** What happened to one stack. */
export interface StackOutcome {
  readonly stack: string;
  readonly action: "applied" | "destroyed" | "skipped" | "failed";
  readonly seconds: number;
  /** Resource counts, a skip reason, or the error. */
  readonly detail: string;
}

/**
 * Thrown when a stack fails; names the stack so a rerun knows where it stopped. (`stackName`, not
 * `stack`, which would hide the error's own stack trace.)
 */
export class StackFailure extends Error {
  constructor(
    readonly stackName: string,
    readonly output: string,
  ) {
    super(`stack ${stackName} failed:\n${lastLines(output, 15)}`);
    this.name = "StackFailure";
  }
}

/** `terraform init` once per directory (the provider comes from the offline mirror). */
async function ensureInit(stack: SynthesizedStack, env: NodeJS.ProcessEnv): Promise<void> {
  if (existsSync(join(stack.dir, ".terraform", "providers")) && existsSync(join(stack.dir, ".terraform.lock.hcl"))) return;
  const init = await terraform(stack.dir, ["init", "-input=false"], env);
  if (init.code !== 0) throw new StackFailure(stack.name, init.output);
}

/** `terraform init` and `apply` of one stack, the GitOps way. */
export async function applyStack(stack: SynthesizedStack, env: NodeJS.ProcessEnv): Promise<StackOutcome> {
  const started = Date.now();
  await ensureInit(stack, env);
  const apply = await terraform(stack.dir, ["apply", "-auto-approve", "-input=false"], env);
  if (apply.code !== 0) throw new StackFailure(stack.name, apply.output);
  const counts = /Resources: (\d+) added, (\d+) changed, (\d+) destroyed/.exec(apply.output);
  const detail = counts ? `+${counts[1]} ~${counts[2]} -${counts[3]}` : "no changes";
  return { stack: stack.name, action: "applied", seconds: (Date.now() - started) / 1000, detail };
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
  await ensureInit(stack, env);
  const destroy = await terraform(stack.dir, ["destroy", "-auto-approve", "-input=false"], env);
  if (destroy.code !== 0) throw new StackFailure(stack.name, destroy.output);
  rmSync(stack.dir, { recursive: true, force: true });
  const counts = /Resources: (\d+) destroyed/.exec(destroy.output);
  return { stack: stack.name, action: "destroyed", seconds: (Date.now() - started) / 1000, detail: `-${counts?.[1] ?? 0}` };
}

/** Exit code of `terraform plan -detailed-exitcode`: 0 no changes, 2 changes pending, 1 error. */
export async function planExitCode(stack: SynthesizedStack, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  await ensureInit(stack, env);
  return terraform(stack.dir, ["plan", "-detailed-exitcode", "-lock=false", "-input=false"], env);
}

function lastLines(text: string, count: number): string {
  return text.trim().split("\n").slice(-count).join("\n");
}

/** One resource change of a plan, as `terraform show -json` reports it. */
export interface PlannedChange {
  readonly address: string;
  /** e.g. ["create"], ["update"], ["no-op"], ["delete", "create"] for a replacement. */
  readonly actions: readonly string[];
}

/** The changes `terraform plan` would make to a stack, read from the plan's JSON form. */
export async function plannedChanges(stack: SynthesizedStack, env: NodeJS.ProcessEnv): Promise<PlannedChange[]> {
  await ensureInit(stack, env);
  const plan = await terraform(stack.dir, ["plan", "-out=sandbox.tfplan", "-lock=false", "-input=false"], env);
  if (plan.code !== 0) throw new StackFailure(stack.name, plan.output);
  const show = await terraform(stack.dir, ["show", "-json", "sandbox.tfplan"], env);
  if (show.code !== 0) throw new StackFailure(stack.name, show.output);
  rmSync(join(stack.dir, "sandbox.tfplan"), { force: true });
  return (JSON.parse(show.output).resource_changes ?? []).map((c: any) => ({ address: c.address, actions: c.change.actions }));
}
