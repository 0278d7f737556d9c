/**
 * GitOps benchmark, against moto_server and a real Vault dev server, state in the emulator's S3:
 * for 10 and 100 accounts (2 roles each), applies the estate, then a pull request adds one
 * account, and times side by side in one run, RUNS times each (median shown):
 *   - `vault-aws plan --base <deployed synth>`: only the stacks the change touches;
 *   - every stack planned (`vault-aws drift`, which plans each stack once), what a pipeline
 *     without `changes` must do.
 * Usage: npm run bench:gitops [-- --sizes 10,100] [--runs 3] [--parallelism 2]
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { generatedConfig } from "../lib/config/generated";
import { run } from "../run/process";
import { startEmulator } from "./emulator";
import { ROOT, runSandbox, synthForSandbox } from "./run-sandbox";
import { ensureVault } from "./vault-build";
import { startVault } from "./vault-server";

/** The line `vault-aws drift --json` prints, as far as this benchmark counts it. */
interface DriftReport {
  readonly drifted: readonly unknown[];
  readonly failed: readonly string[];
  readonly inSync: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: "10,100" },
      runs: { type: "string", default: "3" },
      parallelism: { type: "string", default: "2" },
    },
  });
  const sizes = values.sizes!.split(",").map(Number);
  const runs = Number(values.runs);
  const parallelism = values.parallelism!;
  const { binary } = await ensureVault(() => undefined);
  console.log(`gitops bench: add one account; ${runs} runs each, median shown; --parallelism ${parallelism}`);
  console.log("accounts  stacks  what                                   stacks planned  wall (s)  min..max (s)");
  for (const size of sizes) {
    const work = mkdtempSync(join(tmpdir(), `vama-gitops-bench-${size}-`));
    const emulator = await startEmulator();
    const vault = await startVault({ binary, logDir: join(work, "vault") });
    try {
      const config = generatedConfig(size, 2);
      config.state = { s3: { bucket: "vama-bench-state", region: "us-east-1", keyPrefix: "bench" } };
      const configFile = join(work, "accounts.yaml");
      writeFileSync(configFile, stringify(config));
      const applied = Date.now();
      const result = await runSandbox(
        { configFile, workDir: work, vault, parallelism: Number(parallelism), log: () => undefined },
        emulator,
      );
      if (!result.ok) throw new Error(`the ${size}-account estate did not apply cleanly`);
      const stacks = result.stacks.length;
      console.error(`(${size} accounts: ${stacks} stacks applied in ${((Date.now() - applied) / 1000).toFixed(0)} s)`);
      cpSync(join(work, "cdktf.out"), join(work, "deployed"), { recursive: true });
      config.accounts.push({
        name: "account-new",
        id: "199999999999",
        roles: [{ name: "readonly", managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], requesters: ["sre"] }],
      });
      writeFileSync(configFile, stringify(config));
      const { env } = await synthForSandbox(configFile, work, emulator.endpoint, () => undefined);
      const runEnv = { ...env, ...vault.env, ACCOUNTS_FILE: configFile, CDKTF_OUTDIR: join(work, "cdktf.out") };
      // Asynchronously: this process runs moto and Vault, and must keep serving them meanwhile.
      const cli = async (...args: string[]) => {
        const start = process.hrtime.bigint();
        const r = await run(process.execPath, [join(ROOT, "bin", "vault-aws.js"), ...args], work, runEnv);
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        // drift exits 2: the added account is not applied, which is what it should find.
        if (r.code !== 0 && !(args[0] === "drift" && r.code === 2)) throw new Error(`vault-aws ${args.join(" ")} failed:\n${r.output}`);
        return { seconds, stdout: r.output };
      };
      const changed: number[] = [];
      const all: number[] = [];
      let changedCount = 0;
      let allCount = 0;
      for (let run = 0; run < runs; run++) {
        // Interleaved, so both see the same machine.
        changed.push(
          (await cli("plan", "--base", join(work, "deployed"), "--out", join(work, "plans"), "--parallelism", parallelism)).seconds,
        );
        changedCount = readdirSync(join(work, "plans")).filter((f) => f.endsWith(".tfplan")).length;
        const drift = await cli("drift", "--json", "--parallelism", parallelism);
        all.push(drift.seconds);
        // run() merges stdout and stderr; the JSON report is the last line.
        const report = JSON.parse(drift.stdout.trim().split("\n").pop()!) as DriftReport;
        allCount = report.drifted.length + report.inSync + report.failed.length;
      }
      const line = (what: string, planned: number, walls: number[]) =>
        console.log(
          `${String(size).padStart(8)}  ${String(stacks).padStart(6)}  ${what.padEnd(37)}  ${String(planned).padStart(14)}  ${median(walls).toFixed(1).padStart(8)}  ${`${Math.min(...walls).toFixed(1)}..${Math.max(...walls).toFixed(1)}`.padStart(12)}`,
        );
      line("vault-aws plan (changed stacks only)", changedCount, changed);
      line("every stack planned (vault-aws drift)", allCount, all);
    } finally {
      await emulator.stop();
      await vault.stop();
      rmSync(work, { recursive: true, force: true });
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
