/**
 * Synth benchmark: wall time and peak memory of the compiled app (`node dist/main.js`) for 10,
 * 100 and 1,000 accounts of 2 roles, each run in a fresh process, as `cdktf synth` runs it.
 * Prints the median of RUNS runs (default 5). Usage: npm run bench [-- --runs N]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { generatedConfig } from "./fixtures";
import { repoRoot } from "./repo-root";

const SIZES = [10, 100, 1000];
const runsFlag = process.argv.indexOf("--runs");
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 5;
const root = repoRoot();

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const work = mkdtempSync(join(tmpdir(), "vama-bench-"));
console.log(`synth benchmark: node ${process.version}, ${RUNS} runs per size, median shown`);
console.log("accounts  roles  stacks  wall (s)  min..max (s)  peak RSS (MB)");
for (const size of SIZES) {
  const file = join(work, `accounts-${size}.yaml`);
  writeFileSync(file, stringify(generatedConfig(size, 2)));
  const usageFile = join(work, `usage-${size}.txt`);
  const walls: number[] = [];
  let stacks = 0;
  for (let run = 0; run < RUNS; run++) {
    const outdir = join(work, `out-${size}-${run}`);
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ["--require", join(__dirname, "report-usage.js"), join(root, "dist", "main.js")], {
      cwd: root,
      env: { ...process.env, ACCOUNTS_FILE: file, CDKTF_OUTDIR: outdir, BENCH_USAGE_FILE: usageFile },
      encoding: "utf8",
    });
    walls.push(Number(process.hrtime.bigint() - start) / 1e9);
    if (result.status !== 0) throw new Error(`synth of ${size} accounts failed:\n${result.stderr}`);
    stacks = Object.keys(JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")).stacks).length;
    rmSync(outdir, { recursive: true, force: true });
  }
  const rss = readFileSync(usageFile, "utf8").trim().split("\n").map((kib) => Number(kib) / 1024);
  console.log(
    [
      String(size).padStart(8),
      String(size * 2).padStart(6),
      String(stacks).padStart(7),
      median(walls).toFixed(2).padStart(9),
      `${Math.min(...walls).toFixed(2)}..${Math.max(...walls).toFixed(2)}`.padStart(13),
      median(rss).toFixed(0).padStart(14),
    ].join(" "),
  );
}
rmSync(work, { recursive: true, force: true });
