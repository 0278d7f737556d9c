import type { PrivilegeLevel } from "../lib/policy/privilege";
import type { AccessReport } from "./access-report";
import { externalIdText, policiesText, ttlText } from "./describe";

/** An account as the page's script sees it: name, id, tags (comma-separated) and group. */
export type ClientAccount = readonly [name: string, id: string, tags: string, group: string];

/** A grant as the page's script sees it: positions into `requesters` and `accounts`, then words. */
export type ClientGrant = readonly [
  requester: number,
  account: number,
  vaultRole: string,
  roleName: string,
  privilege: PrivilegeLevel,
  policies: string,
  ttl: string,
  externalId: string,
  command: string,
];

/**
 * The data the page's script filters on and shows in its detail panel, in arrays rather than
 * objects to keep a 1,000-account page small. Grant `i` here is grant `i` of the report, which is
 * what every `data-g` in the page refers to.
 */
export interface ClientData {
  readonly requesters: readonly string[];
  readonly accounts: readonly ClientAccount[];
  readonly grants: readonly ClientGrant[];
}

/** The page's data for a report. */
export function clientData(report: AccessReport): ClientData {
  const requesterIndex = new Map(report.requesters.map((r, i) => [r.name, i]));
  const accountIndex = new Map(report.accounts.map((a, i) => [a.name, i]));
  return {
    requesters: report.requesters.map((r) => r.name),
    accounts: report.accounts.map((a) => [a.name, a.id, a.tags.join(", "), a.group]),
    grants: report.grants.map((g) => [
      requesterIndex.get(g.requester)!,
      accountIndex.get(g.accountName)!,
      g.vaultRole,
      g.roleName,
      g.privilege,
      policiesText(g),
      ttlText(g),
      externalIdText(g),
      g.vaultCommand,
    ]),
  };
}

/** JSON that is safe inside a `<script>` element: no `<` can close it or open a comment. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}
