import type { CheckResult } from "./checks";

/** The report: one line per Vault role and role ARN. */
export function printTable(checks: readonly CheckResult[], log: (line: string) => void): void {
  const rows = checks.map((c) => [
    c.target.vaultRole,
    `${c.target.accountName} (${c.target.accountId})`,
    c.target.role.name,
    c.ok ? (c.ec2Checked ? "ok (+ec2:DescribeVpcs)" : "ok") : `FAIL: ${c.detail}`,
    `${c.issueMs.toFixed(0)} ms`,
  ]);
  const header = ["Vault role", "account", "AWS role", "result", "AssumeRole"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join("  ");
  log(line(header));
  log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows) log(line(row));
  const failed = checks.filter((c) => !c.ok).length;
  log(`${checks.length - failed} passed, ${failed} failed`);
}
