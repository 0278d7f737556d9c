import type { PrivilegeLevel } from "../lib/policy/privilege";
import type { AccessReport } from "./access-report";
import { externalIdText, policiesText, ttlText } from "./describe";

/** An account as the page's script sees it: name, id, tags (comma-separated) and group. */
export type ClientAccount = readonly [name: string, id: string, tags: string, group: string];

/** An IAM role: its account (a position in `accounts`), name, privilege, policies and external ID, in words. */
export type ClientRole = readonly [account: number, roleName: string, privilege: PrivilegeLevel, policies: string, externalId: string];

/** A Vault role handing out one IAM role (a position in `roles`): its TTLs in words and the exact command. */
export type ClientPath = readonly [vaultRole: string, ttl: string, role: number, command: string];

/** A grant: a requester (a position in `requesters`) and a path (a position in `paths`). */
export type ClientGrant = readonly [requester: number, path: number];

/**
 * The data the page's script filters on and shows in its detail panel, as tables of arrays that
 * refer to each other by position, so a 1,000-account page says each role and command once.
 * Grant `i` here is grant `i` of the report, which is what every `data-g` in the page refers to.
 */
export interface ClientData {
  readonly requesters: readonly string[];
  readonly accounts: readonly ClientAccount[];
  readonly roles: readonly ClientRole[];
  readonly paths: readonly ClientPath[];
  readonly grants: readonly ClientGrant[];
}

/** The page's data for a report. */
export function clientData(report: AccessReport): ClientData {
  const requesterIndex = new Map(report.requesters.map((r, i) => [r.name, i]));
  const accountIndex = new Map(report.accounts.map((a, i) => [a.name, i]));
  const roles: ClientRole[] = [];
  const paths: ClientPath[] = [];
  const roleIndex = new Map<string, number>();
  const pathIndex = new Map<string, number>();
  const grants = report.grants.map((g): ClientGrant => {
    let role = roleIndex.get(g.roleArn);
    if (role === undefined) {
      role = roles.length;
      roleIndex.set(g.roleArn, role);
      roles.push([accountIndex.get(g.accountName)!, g.roleName, g.privilege, policiesText(g), externalIdText(g)]);
    }
    const key = `${g.vaultRole}\u0000${g.roleArn}`;
    let path = pathIndex.get(key);
    if (path === undefined) {
      path = paths.length;
      pathIndex.set(key, path);
      paths.push([g.vaultRole, ttlText(g), role, g.vaultCommand]);
    }
    return [requesterIndex.get(g.requester)!, path];
  });
  return {
    requesters: report.requesters.map((r) => r.name),
    accounts: report.accounts.map((a) => [a.name, a.id, a.tags.join(", "), a.group]),
    roles,
    paths,
    grants,
  };
}

/** JSON that is safe inside a `<script>` element: no `<` can close it or open a comment. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}
