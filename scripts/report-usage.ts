/**
 * Preloaded into a measured process (`node --require`): on exit, appends the process's peak
 * resident memory, in KiB, to the file named by `BENCH_USAGE_FILE`.
 */
import { appendFileSync } from "node:fs";

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on("exit", () => appendFileSync(file, `${process.resourceUsage().maxRSS}\n`));
}
