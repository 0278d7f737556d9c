import type { AccessReport } from "./access-report";
import { accessErrors } from "./errors";
import { globMatcher as matchGlob } from "../lib/glob";

/** What `vault-aws access` narrows the report to. Each list holds names or globs (`*`, `?`). */
export interface AccessFilter {
  /** @default - every requester */
  readonly requesters?: readonly string[];
  /** Account names or ids. @default - every account */
  readonly accounts?: readonly string[];
  /** Accounts carrying any of these tags. @default - accounts with or without tags */
  readonly tags?: readonly string[];
  /** Only the grants of admin-level roles. @default false */
  readonly privileged?: boolean;
}

/** An `access` filter's glob (`*` any text, `?` one character) as an anchored test that ignores case (`../lib/glob`). */
export function globMatcher(pattern: string): (text: string) => boolean {
  return matchGlob(pattern, { ignoreCase: true });
}

/**
 * The report narrowed by a filter. Each pattern must match something (else `AccessFilterError`,
 * naming the flag and value and listing what exists), so a typo never looks like "nobody has
 * access". Requesters left without a grant are dropped; so are accounts, once grants are narrowed
 * (`requesters`, `privileged`): an account or tag filter alone keeps accounts nobody can get into.
 */
export function filterReport(report: AccessReport, filter: AccessFilter): AccessReport {
  const requesterNames = report.requesters.map((r) => r.name);
  const wantRequester = anyOf("--requester", filter.requesters, "requester", requesterNames, (test, name) => test(name), "requester");
  const idOf = new Map(report.accounts.map((a) => [a.name, a.id]));
  const wantAccount = anyOf(
    "--account",
    filter.accounts,
    "account",
    [...idOf.keys()],
    (test, name) => test(name) || test(idOf.get(name)!),
    "account name or id",
  );
  const tags = [...new Set(report.accounts.flatMap((a) => a.tags))].sort();
  const wantTag = anyOf("--tag", filter.tags, "tag", tags, (test, tag) => test(tag), "tag");

  const accounts = report.accounts.filter((a) => wantAccount(a.name) && (filter.tags === undefined || a.tags.some(wantTag)));
  const accountNames = new Set(accounts.map((a) => a.name));
  const grants = report.grants.filter(
    (g) => accountNames.has(g.accountName) && wantRequester(g.requester) && (!filter.privileged || g.privilege === "admin"),
  );
  const narrowed = filter.requesters !== undefined || filter.privileged === true;
  const reached = new Set(grants.map((g) => g.accountName));
  const requesting = new Set(grants.map((g) => g.requester));
  return {
    requesters: report.requesters.filter((r) => requesting.has(r.name)),
    accounts: narrowed ? accounts.filter((a) => reached.has(a.name)) : accounts,
    grants,
  };
}

/**
 * A test of one name against a flag's patterns; throws when a pattern matches none of `known`.
 * Without patterns, everything passes.
 */
function anyOf(
  flag: string,
  patterns: readonly string[] | undefined,
  what: string,
  known: readonly string[],
  matches: (test: (text: string) => boolean, name: string) => boolean,
  matchedOn: string,
): (name: string) => boolean {
  if (patterns === undefined) return () => true;
  const tests = patterns.map((p) => {
    const test = globMatcher(p);
    if (!known.some((name) => matches(test, name))) throw accessErrors.noMatch(flag, p, what, known, matchedOn);
    return test;
  });
  return (name) => tests.some((test) => matches(test, name));
}
