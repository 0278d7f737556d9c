/**
 * Reads a checkov JSON report (`-o json`) and prints one summary line, and on failure each failed
 * check once with the resources it failed on. Exits 1 on any failed check or parsing error, or when
 * checkov scanned nothing. Used by `scripts/scan.sh`.
 * Usage: node dist/scripts/checkov-summary.js REPORT.json LABEL [SUFFIX]
 */
import { readFileSync } from "node:fs";

/** The parts of a checkov result this script reads. */
export interface CheckovResult {
  readonly check_id: string;
  readonly check_name: string;
  readonly resource: string;
  readonly file_path: string;
}

/**
 * The parts of checkov's JSON report (one framework) this script reads. With `--quiet`, `results`
 * lists only the failed checks; `summary` counts them all.
 */
export interface CheckovReport {
  readonly results?: { readonly failed_checks?: readonly CheckovResult[] };
  readonly summary: {
    readonly passed: number;
    readonly failed: number;
    readonly skipped: number;
    /** Files checkov could not parse. */
    readonly parsing_errors: number;
  };
}

/** What to print, and whether the scan passed. */
export interface ScanSummary {
  readonly ok: boolean;
  readonly lines: readonly string[];
}

/** Resources listed per failed check before the rest are only counted. */
const RESOURCES_SHOWN = 5;

/**
 * Summarizes a checkov report: `<label>: N passed, N failed, N skipped`, then one line per failed
 * check. It passes only with no failed check, no parsing error, and at least one check run. A
 * report of several frameworks (a list) is refused: the scan runs one.
 */
export function summarizeCheckovReport(report: CheckovReport | readonly CheckovReport[], label: string): ScanSummary {
  if (Array.isArray(report)) {
    return { ok: false, lines: [`${label}: expected the report of one framework, got ${report.length}`] };
  }
  const { summary, results } = report as CheckovReport;
  if (summary.passed + summary.failed + summary.skipped === 0) {
    return { ok: false, lines: [`${label}: checkov ran no check: nothing was scanned`] };
  }
  const lines = [`${label}: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`];
  if (summary.parsing_errors > 0) lines.push(`  checkov could not parse ${summary.parsing_errors} file(s)`);
  const byCheck = new Map<string, CheckovResult[]>();
  const where = (r: CheckovResult) => `${r.file_path.replace(/^\//, "")} ${r.resource}`;
  const sorted = [...(results?.failed_checks ?? [])].sort((a, b) => where(a).localeCompare(where(b)));
  for (const result of sorted) {
    const failed = byCheck.get(result.check_id) ?? [];
    failed.push(result);
    byCheck.set(result.check_id, failed);
  }
  for (const [id, failed] of byCheck) {
    const shown = failed.slice(0, RESOURCES_SHOWN).map(where);
    const more = failed.length > RESOURCES_SHOWN ? `, and ${failed.length - RESOURCES_SHOWN} more` : "";
    lines.push(`  FAILED ${id} "${failed[0].check_name}" on ${failed.length}: ${shown.join(", ")}${more}`);
  }
  return { ok: summary.failed === 0 && summary.parsing_errors === 0, lines };
}

if (require.main === module) {
  const [reportFile, label, suffix = ""] = process.argv.slice(2);
  if (!reportFile || !label) {
    console.error("usage: checkov-summary REPORT.json LABEL [SUFFIX]");
    process.exit(2);
  }
  const report = JSON.parse(readFileSync(reportFile, "utf8")) as CheckovReport | CheckovReport[];
  const { ok, lines } = summarizeCheckovReport(report, label);
  console.log(`${lines[0]}${suffix}`);
  for (const line of lines.slice(1)) console.log(line);
  process.exitCode = ok ? 0 : 1;
}
