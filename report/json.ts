import type { AccessGrant } from "../lib/access";
import type { PrivilegeLevel } from "../lib/policy/privilege";
import { type AccessReport, privilegeCounts, type ReportAccount, type ReportRequester } from "./access-report";
import type { AccessFilter } from "./filter";

/** `vault-aws access --format json`: the whole matrix, as the README documents it. */
export interface AccessReportJson {
  readonly version: 1;
  /** The filters applied; an absent list means "all". */
  readonly filter: AccessFilter;
  readonly summary: {
    readonly requesters: number;
    readonly accounts: number;
    readonly grants: number;
    readonly byPrivilege: Readonly<Record<PrivilegeLevel, number>>;
  };
  readonly requesters: readonly ReportRequester[];
  readonly accounts: readonly ReportAccount[];
  /** One per requester, Vault role and IAM role ARN: the cells of the matrix. */
  readonly grants: readonly AccessGrant[];
}

/** The report as the JSON a machine reads. */
export function accessJson(report: AccessReport, filter: AccessFilter): AccessReportJson {
  return {
    version: 1,
    filter,
    summary: {
      requesters: report.requesters.length,
      accounts: report.accounts.length,
      grants: report.grants.length,
      byPrivilege: privilegeCounts(report.grants),
    },
    requesters: report.requesters,
    accounts: report.accounts,
    grants: report.grants,
  };
}
