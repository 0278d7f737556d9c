import type { AccessGrant } from "../lib/access";
import { formatDuration } from "../lib/duration";
import { type AccessReport, policyShortName, privilegeCounts } from "./access-report";

/** Words shared by the terminal and markdown reports, so both say the same thing the same way. */

/** "1 account", "4 accounts" */
export function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** "3 requesters, 4 accounts, 12 grants (0 admin, 6 write, 6 read)" */
export function reportSummary(report: AccessReport): string {
  const counts = privilegeCounts(report.grants);
  return `${counted(report.requesters.length, "requester")}, ${counted(report.accounts.length, "account")}, ${counted(report.grants.length, "grant")} (${counts.admin} admin, ${counts.write} write, ${counts.read} read)`;
}

/** "AmazonEC2FullAccess; no inline policy", "no managed policy; inline policy" */
export function policiesText(grant: AccessGrant): string {
  const managed = grant.managedPolicyArns.length > 0 ? grant.managedPolicyArns.map(policyShortName).join(", ") : "no managed policy";
  return `${managed}; ${grant.hasInlinePolicy ? "inline policy" : "no inline policy"}`;
}

/** "15m (max 1h)" */
export function ttlText(grant: AccessGrant): string {
  return `${formatDuration(grant.defaultTtlSeconds)} (max ${formatDuration(grant.maxTtlSeconds)})`;
}

/** "external ID required" or "no external ID" */
export function externalIdText(grant: AccessGrant): string {
  return grant.externalIdRequired ? "external ID required" : "no external ID";
}

/** "dev (222222222222)" */
export function accountText(account: { readonly name: string; readonly id: string }): string {
  return `${account.name} (${account.id})`;
}

/** What a report with no grants says, depending on why. */
export function noGrantsText(privileged: boolean): string {
  return privileged ? "No requester can reach an admin-level role." : "No requester can get into these accounts.";
}
