import { formatDuration } from "../lib/duration";
import type { CheckResult } from "./checks";

/** Name of the direct source in the results, the broker's AssumeRole. */
const DIRECT = "broker AssumeRole";

/**
 * The report: one line per Vault role and role ARN. "AssumeRole" is the broker's own call, as
 * Vault's engine makes it; "via Vault" lists the requester groups whose token got working
 * credentials from `vault write <mount>/sts/<role>`, with the slowest issuance and the lease.
 */
export function printTable(checks: readonly CheckResult[], log: (line: string) => void, brokerCredentials = "the broker's key"): void {
  const rows = new Map<string, CheckResult[]>();
  for (const check of checks) {
    const key = `${check.target.vaultRole}\0${check.target.role.roleArn}`;
    rows.set(key, [...(rows.get(key) ?? []), check]);
  }
  const table = [...rows.values()].map((group) => {
    const { target } = group[0];
    const direct = group.find((c) => c.source === DIRECT);
    const viaVault = group.filter((c) => c.source !== DIRECT);
    const failed = group.filter((c) => !c.ok);
    const result =
      failed.length > 0
        ? `FAIL: ${failed.map((c) => `${c.requester ?? c.source}: ${c.detail}`).join("; ")}`
        : group.some((c) => c.ec2Checked)
          ? "ok (+ec2:DescribeVpcs)"
          : "ok";
    return [
      target.vaultRole,
      `${target.accountName} (${target.accountId})`,
      target.role.name,
      result,
      direct ? `${direct.issueMs.toFixed(0)} ms` : "-",
      viaVault.length > 0 ? viaVaultCell(viaVault) : "not run",
    ];
  });
  const header = ["Vault role", "account", "AWS role", "result", "AssumeRole", "via Vault"];
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join("  ");
  log(line(header));
  log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of table) log(line(row));
  log(summary(checks, rows.size, brokerCredentials));
}

function viaVaultCell(checks: readonly CheckResult[]): string {
  const ok = checks.filter((c) => c.ok);
  const slowest = Math.max(...checks.map((c) => c.issueMs));
  const lease = ok[0]?.leaseSeconds;
  const who = ok.map((c) => c.requester).join(", ");
  return `${who || "none"}: ${slowest.toFixed(0)} ms${lease !== undefined ? `, lease ${formatDuration(lease)}` : ""}`;
}

/** What was checked, in words, with the counts; `brokerCredentials` says what the broker's calls used. */
export function summary(checks: readonly CheckResult[], rows: number, brokerCredentials = "the broker's key"): string {
  const direct = checks.filter((c) => c.source === DIRECT);
  const viaVault = checks.filter((c) => c.source !== DIRECT);
  const failed = checks.filter((c) => !c.ok).length;
  const parts = [`${rows} Vault role ARNs: ${direct.filter((c) => c.ok).length}/${direct.length} assumed with ${brokerCredentials}`];
  if (viaVault.length > 0) {
    parts.push(
      `${viaVault.filter((c) => c.ok).length}/${viaVault.length} issued through Vault with a token holding only one requester group's policies (lease = requested TTL)`,
    );
  } else {
    parts.push("not checked through Vault");
  }
  return `${parts.join("; ")}; each caller identity is the target account's assumed role, and roles with EC2 rights called ec2:DescribeVpcs.\n${checks.length - failed} passed, ${failed} failed`;
}
