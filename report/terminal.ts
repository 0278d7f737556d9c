import type { AccessGrant } from "../lib/access";
import type { PrivilegeLevel } from "../lib/policy/privilege";
import { type AccessReport, grantsByAccount, grantsByRequester } from "./access-report";
import { mapStrings, terminalText } from "../lib/output-text";
import { accountText, externalIdText, noGrantsText, policiesText, reportSummary, ttlText } from "./describe";

/** How the terminal report is laid out. */
export interface TerminalOptions {
  /** One section per requester (what each may request) or per account (who can get in). */
  readonly by: "requester" | "account";
  /** Colour the privilege levels with ANSI codes (for a TTY). */
  readonly color: boolean;
  /** Whether the report holds admin-level grants only (`--privileged`), for the empty message. */
  readonly privileged: boolean;
}

const COLORS: Readonly<Record<PrivilegeLevel, string>> = { admin: "\u001b[1;31m", write: "\u001b[33m", read: "\u001b[32m" };

/** The report as plain text for a terminal; every string of it shown without control characters (`terminalText`). */
export function accessTerminal(given: AccessReport, options: TerminalOptions): string {
  const report = mapStrings(given, terminalText);
  const level = (l: PrivilegeLevel) => (options.color ? `${COLORS[l]}${l.padEnd(5)}\u001b[0m` : l.padEnd(5));
  const out = [`Who can get into what: ${reportSummary(report)}`];
  if (report.grants.length === 0) out.push(noGrantsText(options.privileged));
  if (options.by === "requester") {
    for (const { requester, grants } of grantsByRequester(report)) {
      out.push("", `${requester.name}: ${requester.description}`);
      out.push(
        `  ${requester.externalGroups.length > 0 ? `bound to ${requester.externalGroups.join(", ")}` : "bound to no identity-provider group"}`,
      );
      const width = Math.max(...grants.map((g) => g.vaultRole.length));
      const indent = " ".repeat(4 + width + 2 + 5 + 2);
      for (const g of grants) {
        out.push(
          `    ${g.vaultRole.padEnd(width)}  ${level(g.privilege)}  ${accountText({ name: g.accountName, id: g.accountId })} / ${g.roleName}`,
        );
        out.push(`${indent}${policiesText(g)} · ttl ${ttlText(g)} · ${externalIdText(g)}`);
        out.push(`${indent}${g.vaultCommand}`);
      }
    }
  } else {
    for (const { account, grants } of grantsByAccount(report)) {
      out.push("", `${accountText(account)} · ${account.tags.length > 0 ? `tags: ${account.tags.join(", ")}` : "no tags"}`);
      if (grants.length === 0) out.push("  nobody can get in through Vault");
      const roles = byRole(grants);
      const width = Math.max(0, ...[...roles.keys()].map((r) => r.length));
      for (const [roleName, roleGrants] of roles) {
        const first = roleGrants[0];
        out.push(`  ${roleName.padEnd(width)}  ${level(first.privilege)}  ${policiesText(first)} · ${externalIdText(first)}`);
        for (const g of roleGrants) {
          out.push(`    ${g.requester} via ${g.vaultRole} · ttl ${ttlText(g)}`);
          out.push(`      ${g.vaultCommand}`);
        }
      }
    }
  }
  return `${out.join("\n")}\n`;
}

/** Grants of one account by IAM role name, in order. */
function byRole(grants: readonly AccessGrant[]): Map<string, AccessGrant[]> {
  const roles = new Map<string, AccessGrant[]>();
  for (const g of grants) {
    const same = roles.get(g.roleName);
    if (same) same.push(g);
    else roles.set(g.roleName, [g]);
  }
  return roles;
}
