import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { run } from "./process";
import { parsePlanJson, readStackJson, type TerraformValues } from "./terraform-json";

/**
 * Runs Terraform on synthesized stacks: init, plan to a file, the plan's JSON, apply of a saved
 * plan, and a detailed-exitcode plan for drift. The sandbox and `vault-aws plan|apply|drift` use
 * these same functions.
 */

/** One resource change of a plan, as `terraform show -json` reports it. */
export interface PlannedChange {
  readonly address: string;
  readonly type: string;
  /** The resource's name in the configuration (its key under `resource.<type>`). */
  readonly name: string;
  /** e.g. ["create"], ["update"], ["no-op"], ["delete", "create"] for a replacement. */
  readonly actions: readonly string[];
  /** The resource's attributes before and after; `null` before a create and after a delete. */
  readonly before: TerraformValues | null;
  readonly after: TerraformValues | null;
}

/** Thrown when Terraform fails on a stack; names the stack so a rerun knows where it stopped. */
export class StackFailure extends Error {
  constructor(
    readonly stackName: string,
    readonly output: string,
    hint?: string,
  ) {
    super(`stack ${stackName} failed${hint ? `: ${hint}` : ""}:\n${lastLines(output, 15)}`);
    this.name = "StackFailure";
  }
}

/**
 * The environment Terraform runs with: the caller's, plus no prompts and no version check, and a
 * provider plugin cache shared by every stack (`TF_PLUGIN_CACHE_DIR`, unless set already), so a
 * thousand stack folders link one provider binary instead of holding a copy each.
 */
export function pipelineEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const cache = base.TF_PLUGIN_CACHE_DIR || join(base.XDG_CACHE_HOME || join(homedir(), ".cache"), "vault-aws", "terraform-plugins");
  mkdirSync(cache, { recursive: true });
  return { ...base, TF_PLUGIN_CACHE_DIR: cache, TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1" };
}

/** Runs terraform in a stack folder, without colour codes. */
export function terraform(dir: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return run("terraform", [...args, "-no-color"], dir, env);
}

/** `terraform init` once per folder; later calls find `.terraform` and the lock file and return. */
export async function ensureInit(stack: string, dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  if (existsSync(join(dir, ".terraform", "providers")) && existsSync(join(dir, ".terraform.lock.hcl"))) return;
  const init = await terraform(dir, ["init", "-input=false"], env);
  if (init.code !== 0) throw new StackFailure(stack, init.output, "terraform init");
}

/**
 * Copies a synthesized stack into `to` (its `cdk.tf.json`, and its lock file if any), turning a
 * relative local state path into an absolute one so the copy still uses the same state file.
 */
export function copyStack(fromDir: string, to: string): void {
  mkdirSync(to, { recursive: true });
  const json = readStackJson(fromDir);
  const local = json.terraform?.backend?.local;
  if (typeof local?.path === "string" && local.path !== "" && !isAbsolute(local.path)) local.path = resolve(fromDir, local.path);
  writeFileSync(join(to, "cdk.tf.json"), `${JSON.stringify(json, null, 2)}\n`);
  if (existsSync(join(fromDir, ".terraform.lock.hcl"))) copyFileSync(join(fromDir, ".terraform.lock.hcl"), join(to, ".terraform.lock.hcl"));
}

/** Plans a stack into `planFile` (`-destroy` to plan its removal) and returns the plan's changes. */
export async function planToFile(
  stack: string,
  dir: string,
  planFile: string,
  env: NodeJS.ProcessEnv,
  options: { destroy?: boolean; lockTimeout?: string; lock?: boolean } = {},
): Promise<PlannedChange[]> {
  await ensureInit(stack, dir, env);
  mkdirSync(dirname(planFile), { recursive: true });
  const lock = options.lock === false ? "-lock=false" : `-lock-timeout=${options.lockTimeout ?? "5m"}`;
  const args = ["plan", "-input=false", `-out=${resolve(planFile)}`, lock];
  if (options.destroy) args.push("-destroy");
  const plan = await terraform(dir, args, env);
  if (plan.code !== 0) throw new StackFailure(stack, plan.output, "terraform plan");
  return showPlan(stack, dir, planFile, env);
}

/** The resource changes of a saved plan (`terraform show -json`). */
export async function showPlan(stack: string, dir: string, planFile: string, env: NodeJS.ProcessEnv): Promise<PlannedChange[]> {
  const show = await terraform(dir, ["show", "-json", resolve(planFile)], env);
  if (show.code !== 0) throw new StackFailure(stack, show.output, "terraform show");
  return (parsePlanJson(show.output).resource_changes ?? [])
    .filter((c) => c.mode === "managed")
    .map((c) => ({
      address: c.address,
      type: c.type,
      name: c.name,
      actions: c.change.actions,
      before: c.change.before,
      after: c.change.after,
    }));
}

/**
 * A saved plan as a reviewer reads it: `terraform show -no-color`, the changes only (none of the
 * per-resource refresh lines `terraform plan` prints), sensitive values masked by Terraform.
 */
export async function planText(stack: string, dir: string, planFile: string, env: NodeJS.ProcessEnv): Promise<string> {
  const show = await terraform(dir, ["show", "-no-color", resolve(planFile)], env);
  if (show.code !== 0) throw new StackFailure(stack, show.output, "terraform show");
  return show.output;
}

/** Thrown when a saved plan no longer matches the state: the stack must be planned again. */
export class StalePlanError extends StackFailure {
  constructor(stackName: string, output: string) {
    super(
      stackName,
      output,
      "its saved plan is stale (the state changed since it was planned); run vault-aws plan again and apply the new plans",
    );
    this.name = "StalePlanError";
  }
}

/** Applies a saved plan exactly; a stale plan is a `StalePlanError`. Returns Terraform's counts. */
export async function applyPlanFile(
  stack: string,
  dir: string,
  planFile: string,
  env: NodeJS.ProcessEnv,
  lockTimeout = "5m",
): Promise<string> {
  await ensureInit(stack, dir, env);
  const apply = await terraform(dir, ["apply", "-input=false", `-lock-timeout=${lockTimeout}`, resolve(planFile)], env);
  if (apply.code !== 0) {
    if (/Saved plan is stale/i.test(apply.output)) throw new StalePlanError(stack, apply.output);
    throw new StackFailure(stack, apply.output, "terraform apply");
  }
  return resourceCounts(apply.output);
}

/** `+added ~changed -destroyed` from an apply's or destroy's last line, or "no changes". */
export function resourceCounts(output: string): string {
  const counts = /Resources: (\d+) added, (\d+) changed, (\d+) destroyed/.exec(output);
  if (counts) return `+${counts[1]} ~${counts[2]} -${counts[3]}`;
  const destroyed = /Resources: (\d+) destroyed/.exec(output);
  return destroyed ? `-${destroyed[1]}` : "no changes";
}

/**
 * `terraform plan -detailed-exitcode` without taking the lock: 0 no changes, 2 changes pending, 1
 * error. With `planFile`, the plan is saved there so its changes can be read.
 */
export async function planExitCode(
  stack: string,
  dir: string,
  env: NodeJS.ProcessEnv,
  planFile?: string,
): Promise<{ code: number; output: string }> {
  await ensureInit(stack, dir, env);
  const args = ["plan", "-detailed-exitcode", "-lock=false", "-input=false"];
  if (planFile) args.push(`-out=${resolve(planFile)}`);
  return terraform(dir, args, env);
}

/**
 * Progress of a run over many stacks, one plain line per stack done: `[done/total] stack what
 * (seconds; elapsed)`. Plain lines serve logs and terminals alike.
 */
export function progress(total: number, log: (line: string) => void): (stack: string, what: string, seconds: number) => void {
  const started = Date.now();
  let done = 0;
  const width = String(total).length;
  return (stack, what, seconds) => {
    done += 1;
    const elapsed = ((Date.now() - started) / 1000).toFixed(0);
    log(`[${String(done).padStart(width)}/${total}] ${stack.padEnd(20)} ${what} (${seconds.toFixed(1)} s; ${elapsed} s elapsed)`);
  };
}

export function lastLines(text: string, count: number): string {
  return text.trim().split("\n").slice(-count).join("\n");
}
