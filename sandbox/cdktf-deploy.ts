import { dirname, join } from "node:path";
import { repoRoot } from "../scripts/repo-root";
import { run } from "../scripts/terraform";
import { StackFailure, type StackOutcome } from "./deploy";
import type { SynthesizedStack } from "./stacks";

/**
 * The workstation path: `cdktf deploy` of the AWS stacks. Offline, cdktf's provider-lock step would
 * ask the registry for hashes, so it is skipped (the provider comes from the mirror); telemetry,
 * the version check and the shared plugin cache are turned off so nothing leaves the machine or
 * lands in $HOME.
 */
export async function deployWithCdktf(
  stacks: readonly SynthesizedStack[],
  env: NodeJS.ProcessEnv,
  parallelism: number,
  log: (line: string) => void,
): Promise<StackOutcome[]> {
  const outdir = dirname(dirname(stacks[0].dir));
  const started = Date.now();
  const root = repoRoot();
  const cdktf = join(root, "node_modules", ".bin", "cdktf");
  const args = ["deploy", ...stacks.map((s) => s.name), "--auto-approve", "--skip-provider-lock", "--no-color", "--output", outdir, "--parallelism", String(parallelism)];
  log(`cdktf ${args.join(" ")}`);
  const result = await run(cdktf, args, root, { ...env, ...CDKTF_OFFLINE_ENV, CDKTF_HOME: join(outdir, "..", "cdktf-home") });
  if (result.code !== 0) {
    const failed = stacks.find((s) => new RegExp(`^${s.name}\\s.*(Error|error)`, "m").test(stripAnsi(result.output)));
    throw new StackFailure(failed?.name ?? stacks.map((s) => s.name).join(", "), stripAnsi(result.output));
  }
  const seconds = (Date.now() - started) / 1000;
  return stacks.map((s) => ({ stack: s.name, action: "applied" as const, seconds, detail: "via cdktf deploy" }));
}

/** What `cdktf` needs to run with no network and without writing to $HOME. */
export const CDKTF_OFFLINE_ENV = {
  CHECKPOINT_DISABLE: "1",
  CDKTF_DISABLE_PLUGIN_CACHE_ENV: "1",
  DISABLE_VERSION_CHECK: "true",
  FORCE_COLOR: "0",
};

/** Text without terminal escape sequences (cdktf moves the cursor even with --no-color). */
function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
}
