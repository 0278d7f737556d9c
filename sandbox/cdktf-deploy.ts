import { dirname, join } from "node:path";
import { repoRoot } from "../run/repo-root";
import { run } from "../run/process";
import { StackFailure, type StackOutcome } from "./deploy";
import type { SynthesizedStack } from "../run/stacks";

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
  const args = [
    "deploy",
    ...stacks.map((s) => s.name),
    "--auto-approve",
    "--skip-provider-lock",
    "--no-color",
    "--output",
    outdir,
    "--parallelism",
    String(parallelism),
  ];
  log(`cdktf ${args.join(" ")}`);
  // cdktf prefixes each line with its stack's name; a stack is done at Terraform's summary line.
  const outcomes: StackOutcome[] = [];
  const onLine = (raw: string) => {
    const line = stripAnsi(raw);
    for (const stack of stacks) {
      if (!line.startsWith(`${stack.name} `) || outcomes.some((o) => o.stack === stack.name)) continue;
      const counts = /Apply complete! Resources: (\d+) added, (\d+) changed, (\d+) destroyed/.exec(line);
      const none = /No changes\. Your infrastructure matches the configuration/.test(line);
      if (!counts && !none) continue;
      const outcome: StackOutcome = {
        stack: stack.name,
        action: "applied",
        seconds: (Date.now() - started) / 1000,
        detail: counts ? `+${counts[1]} ~${counts[2]} -${counts[3]}` : "no changes",
      };
      outcomes.push(outcome);
      log(`[${stack.name}] ${outcome.detail} via cdktf deploy, ${outcome.seconds.toFixed(1)} s since it started`);
    }
  };
  const result = await run(cdktf, args, root, { ...env, ...CDKTF_OFFLINE_ENV, CDKTF_HOME: join(outdir, "..", "cdktf-home") }, onLine);
  if (result.code !== 0) {
    const failed = stacks.find((s) => new RegExp(`^${s.name}\\s.*(Error|error)`, "m").test(stripAnsi(result.output)));
    throw new StackFailure(failed?.name ?? stacks.map((s) => s.name).join(", "), stripAnsi(result.output));
  }
  // A stack whose summary line was not seen (cdktf's output format changed) is still reported.
  const seconds = (Date.now() - started) / 1000;
  for (const stack of stacks) {
    if (!outcomes.some((o) => o.stack === stack.name))
      outcomes.push({ stack: stack.name, action: "applied", seconds, detail: "via cdktf deploy" });
  }
  return outcomes;
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
