/**
 * `vault-aws bench` (`npm run bench`), each measurement in a fresh process and the median of RUNS
 * runs (default 5), side by side in one run:
 *   1. synth wall time and peak memory for 10, 100 and 1,000 accounts of 2 roles, and the 1,000
 *      written with role sets (one line per account, the same output): the tsc-compiled
 *      app (`node dist/main.js`) against `vault-aws synth`, which runs the bundle of the current sources
 *      that bin/vault-aws.js keeps in .build/ (what `cdktf synth` runs);
 *   2. `vault-aws changes` at 1,000 accounts, a pull request adding one account: against a folder of
 *      an earlier synth (one synth), and against a git ref, cold (two synths at once) and cached.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import { generatedConfig, generatedSetConfig } from "../../lib/config/generated";
import type { Changes } from "../../pipeline/changes";
import { repoRoot } from "../../run/repo-root";
import { readManifest } from "../../run/synth-output";
import type { CommandHandler } from "../context";

const SIZES = [10, 100, 1000];
const root = repoRoot();

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs a node script in a fresh process; returns its wall time and peak RSS (MB). */
function measure(args: string[], cwd: string, env: NodeJS.ProcessEnv, usageFile: string): { seconds: number; stdout: string } {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ["--require", join(root, "dist", "scripts", "report-usage.js"), ...args], {
    cwd,
    env: { ...process.env, ...env, BENCH_USAGE_FILE: usageFile },
    encoding: "utf8",
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${args.join(" ")} failed:\n${result.stderr}`);
  return { seconds, stdout: result.stdout };
}

function lastRss(usageFile: string, runs: number): number {
  const values = readFileSync(usageFile, "utf8")
    .trim()
    .split("\n")
    .slice(-runs)
    .map((kib) => Number(kib) / 1024);
  return median(values);
}

const row = (cells: (string | number)[], widths: number[]) => cells.map((c, i) => String(c).padStart(widths[i])).join("  ");

function benchSynth(work: string, runs: number, log: (line: string) => void): void {
  log(`synth: node ${process.version}, ${runs} runs per size, median shown`);
  const widths = [8, 6, 6, 22, 10, 12, 8];
  log(row(["accounts", "roles", "stacks", "app", "wall (s)", "min..max (s)", "RSS (MB)"], widths));
  // The last row: the 1,000 accounts written with role sets (one line each), the same synth.
  for (const [size, withSets] of [...SIZES.map((n) => [n, false] as const), [1000, true] as const]) {
    const file = join(work, `accounts-${size}${withSets ? "-sets" : ""}.yaml`);
    writeFileSync(file, stringify(withSets ? generatedSetConfig(size) : generatedConfig(size, 2)));
    const apps: [string, string[]][] = [
      ["node dist/main.js", [join(root, "dist", "main.js")]],
      ["vault-aws synth", [join(root, "bin", "vault-aws.js"), "synth"]],
    ];
    // Interleaved, so both apps see the same machine.
    const walls = new Map<string, number[]>(apps.map(([label]) => [label, []]));
    let stacks = 0;
    for (let run = 0; run < runs; run++) {
      for (const [label, args] of apps) {
        const outdir = join(work, `out-${size}-${run}`);
        const { seconds } = measure(
          args,
          root,
          { ACCOUNTS_FILE: file, CDKTF_OUTDIR: outdir },
          join(work, `usage-${size}${withSets}-${label.replace(/\W/g, "")}.txt`),
        );
        walls.get(label)!.push(seconds);
        stacks = readManifest(outdir).size;
        rmSync(outdir, { recursive: true, force: true });
      }
    }
    for (const [label] of apps) {
      const w = walls.get(label)!;
      const rss = lastRss(join(work, `usage-${size}${withSets}-${label.replace(/\W/g, "")}.txt`), runs);
      log(
        row(
          [
            withSets ? `${size} sets` : size,
            size * 2,
            stacks,
            label,
            median(w).toFixed(2),
            `${Math.min(...w).toFixed(2)}..${Math.max(...w).toFixed(2)}`,
            rss.toFixed(0),
          ],
          widths,
        ),
      );
    }
  }
}

/**
 * A throwaway git repository holding the current sources (tracked and new files, as they are on
 * disk) and a 1,000-account config, committed; the working tree then adds one account.
 */
function benchRepo(work: string): string {
  const repo = join(work, "repo");
  mkdirSync(repo);
  const files = spawnSync("git", ["ls-files", "-co", "--exclude-standard"], { cwd: root, encoding: "utf8" }).stdout.trim().split("\n");
  for (const file of files) {
    if (!existsSync(join(root, file))) continue;
    mkdirSync(dirname(join(repo, file)), { recursive: true });
    cpSync(join(root, file), join(repo, file));
  }
  symlinkSync(join(root, "node_modules"), join(repo, "node_modules"), "dir");
  writeFileSync(join(repo, "accounts.yaml"), stringify(generatedConfig(1000, 2)));
  const git = (...args: string[]) => {
    const r = spawnSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@localhost", ...args], { cwd: repo, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  };
  git("init", "-q");
  git("add", "-A");
  git("commit", "-q", "-m", "1,000 accounts");
  const config = generatedConfig(1000, 2);
  config.accounts.push({
    name: "account-new",
    id: "199999999999",
    roles: [{ name: "readonly", managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], requesters: ["sre"] }],
  });
  writeFileSync(join(repo, "accounts.yaml"), stringify(config));
  return repo;
}

function benchChanges(work: string, runs: number, log: (line: string) => void): void {
  const repo = benchRepo(work);
  const cli = join(repo, "bin", "vault-aws.js");
  const usage = join(work, "usage-changes.txt");
  // An earlier synth of the base, as a pipeline keeps it.
  spawnSync("git", ["stash", "-q"], { cwd: repo });
  measure([cli, "synth", "--outdir", join(work, "base-out")], repo, {}, usage);
  spawnSync("git", ["stash", "pop", "-q"], { cwd: repo });
  const cases: [string, () => { base: string; env: NodeJS.ProcessEnv }][] = [
    ["--base <synth folder>", () => ({ base: join(work, "base-out"), env: {} })],
    ["--base HEAD, cold cache", () => ({ base: "HEAD", env: { VAULT_AWS_CACHE: mkdtempSync(join(work, "cache-")) } })],
    ["--base HEAD, cached", () => ({ base: "HEAD", env: { VAULT_AWS_CACHE: join(work, "warm-cache") } })],
  ];
  measure([cli, "changes", "--base", "HEAD"], repo, { VAULT_AWS_CACHE: join(work, "warm-cache") }, usage); // fills the warm cache
  log(`\nchanges: 1,000 accounts (2,000 roles) plus one added, ${runs} runs, median shown`);
  const widths = [24, 10, 12, 8, 28];
  log(row(["vault-aws changes", "wall (s)", "min..max (s)", "RSS (MB)", "result"], widths));
  for (const [label, setup] of cases) {
    const walls: number[] = [];
    let result = "";
    for (let run = 0; run < runs; run++) {
      const { base, env } = setup();
      const { seconds, stdout } = measure([cli, "changes", "--base", base, "--json"], repo, env, usage);
      walls.push(seconds);
      const changes = JSON.parse(stdout) as Changes;
      result = `+${changes.create.length} ~${changes.update.length} -${changes.destroy.length} =${changes.unchanged}`;
    }
    log(
      row(
        [
          label,
          median(walls).toFixed(2),
          `${Math.min(...walls).toFixed(2)}..${Math.max(...walls).toFixed(2)}`,
          lastRss(usage, runs).toFixed(0),
          result,
        ],
        widths,
      ),
    );
  }
}

/** Options of `vault-aws bench`. */
export interface BenchOptions {
  /** Runs per size; the medians are shown. */
  readonly runs: number;
}

/** `vault-aws bench`: returns the exit code. Needs `dist/` (npm run bench builds it). */
export const benchCommand: CommandHandler<BenchOptions> = ({ runs }, ctx) => {
  const work = mkdtempSync(join(tmpdir(), "vama-bench-"));
  try {
    benchSynth(work, runs, ctx.log);
    benchChanges(work, runs, ctx.log);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return 0;
};
