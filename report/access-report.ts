import { type AccessGrant, accessOf } from "../lib/access";
import type { Model } from "../lib/model";
import { PRIVILEGE_LEVELS, type PrivilegeLevel } from "../lib/policy/privilege";

/** A requester group as the report shows it. */
export interface ReportRequester {
  readonly name: string;
  readonly description: string;
  /** Identity-provider groups bound to it, as `<authMount>/<group>`. */
  readonly externalGroups: readonly string[];
}

/** An account as the report shows it. */
export interface ReportAccount {
  readonly name: string;
  readonly id: string;
  readonly tags: readonly string[];
  /** The role sets it takes roles from. */
  readonly roleSets: readonly string[];
  /** The group it is shown in (see `accountGroup`). */
  readonly group: string;
}

/**
 * Who can get credentials for which account, with which permissions, for how long: the access
 * model (`accessOf`) with the requesters and accounts around it, so an account nobody can get into
 * still shows up.
 */
export interface AccessReport {
  /** Requester groups that some Vault role names, by name. */
  readonly requesters: readonly ReportRequester[];
  /** Every account, in config order. */
  readonly accounts: readonly ReportAccount[];
  /** Every grant, sorted by requester, Vault role and ARN. */
  readonly grants: readonly AccessGrant[];
}

/** The report of a model: nothing is computed here that `accessOf` does not already say. */
export function accessReport(model: Model): AccessReport {
  return {
    requesters: model.requesterPolicies.map((p) => ({
      name: p.requester,
      description: p.description,
      externalGroups: p.bindings.map((b) => `${b.authMount}/${b.externalGroup}`),
    })),
    accounts: model.accounts.map((a) => ({
      name: a.name,
      id: a.id,
      tags: a.tags,
      roleSets: a.roleSets ?? [],
      group: accountGroup({ ...a, roleSets: a.roleSets ?? [] }),
    })),
    grants: accessOf(model),
  };
}

/**
 * The group an account is shown in, so 1,000 accounts read as a few groups: its tags (`tags: eu,
 * nonprod`, in alphabetical order); for an account without tags, its role sets (`role sets:
 * baseline, nonprod`, in the order it lists them); for an account with neither, the part of its
 * name before the first `-` (`name: team-*` for `team-a`, `team-b`; `name: primary` for `primary`).
 */
export function accountGroup(account: {
  readonly name: string;
  readonly tags: readonly string[];
  readonly roleSets: readonly string[];
}): string {
  if (account.tags.length > 0) return `tags: ${[...account.tags].sort().join(", ")}`;
  if (account.roleSets.length > 0) return `role sets: ${account.roleSets.join(", ")}`;
  const dash = account.name.indexOf("-");
  return dash < 0 ? `name: ${account.name}` : `name: ${account.name.slice(0, dash)}-*`;
}

/** How many grants there are of each privilege level. */
export function privilegeCounts(grants: readonly AccessGrant[]): Record<PrivilegeLevel, number> {
  const counts = Object.fromEntries(PRIVILEGE_LEVELS.map((l) => [l, 0])) as Record<PrivilegeLevel, number>;
  for (const g of grants) counts[g.privilege] += 1;
  return counts;
}

/** Each requester with its grants. */
export function grantsByRequester(
  report: AccessReport,
): { readonly requester: ReportRequester; readonly grants: readonly AccessGrant[] }[] {
  return report.requesters.map((requester) => ({ requester, grants: report.grants.filter((g) => g.requester === requester.name) }));
}

/** Each account with the grants into it, by IAM role, requester and Vault role. */
export function grantsByAccount(report: AccessReport): { readonly account: ReportAccount; readonly grants: readonly AccessGrant[] }[] {
  const byAccount = new Map<string, AccessGrant[]>(report.accounts.map((a) => [a.name, []]));
  for (const g of report.grants) byAccount.get(g.accountName)?.push(g);
  const order = (a: AccessGrant, b: AccessGrant) =>
    a.roleName.localeCompare(b.roleName) || a.requester.localeCompare(b.requester) || a.vaultRole.localeCompare(b.vaultRole);
  return report.accounts.map((account) => ({ account, grants: byAccount.get(account.name)!.sort(order) }));
}

/** The accounts in their groups, groups in alphabetical order, accounts in config order. */
export function accountGroups(
  accounts: readonly ReportAccount[],
): { readonly group: string; readonly accounts: readonly ReportAccount[] }[] {
  const groups = new Map<string, ReportAccount[]>();
  for (const a of accounts) {
    const members = groups.get(a.group);
    if (members) members.push(a);
    else groups.set(a.group, [a]);
  }
  return [...groups.keys()].sort().map((group) => ({ group, accounts: groups.get(group)! }));
}

/** A managed policy's name without its ARN and path: `ViewOnlyAccess` for `…:policy/job-function/ViewOnlyAccess`. */
export function policyShortName(policyArn: string): string {
  return policyArn.slice(policyArn.lastIndexOf("/") + 1);
}
