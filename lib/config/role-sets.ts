import { globMatcher } from "../glob";
import { targetKey } from "../names";

/** A `vaultRoles[].targets` entry: one account's role, or a role in every account a glob or tag selects. */
export const TARGET = /^(?:tag:[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?|[a-z0-9*?[\]!-]+)\/[A-Za-z0-9_.@-]+$/;

/** A field path inside the config. */
export type Path = (string | number)[];

/** The parts of a role the expansion needs. */
interface NamedRole {
  readonly name: string;
}

/** The parts of an account the expansion needs. */
interface AccountWithSets<R extends NamedRole> {
  readonly name: string;
  readonly tags: readonly string[];
  readonly roleSets: readonly string[];
  readonly roles: readonly R[];
}

/** One role of an account, with where it is written: in a role set, or in the account itself. */
export interface SourcedRole<R extends NamedRole> {
  readonly role: R;
  /** Where the role itself is written: `roleSets.<set>[k]` or `accounts[a].roles[r]`. */
  readonly path: Path;
  /** The set that brings it, if any. */
  readonly set?: string;
  /** Where the account names that set: `accounts[a].roleSets[i]`; for an own role, `path`. */
  readonly ref: Path;
}

/**
 * An account's roles in order: those of its role sets, in the order it lists them (each set's roles
 * in order), then its own. Sets that do not exist, or come again, are skipped (the check reports them).
 */
export function sourcedRoles<R extends NamedRole>(
  roleSets: Readonly<Record<string, readonly R[]>>,
  account: AccountWithSets<R>,
  a: number,
): SourcedRole<R>[] {
  const roles: SourcedRole<R>[] = [];
  account.roleSets.forEach((name, i) => {
    // A set listed twice is reported as such, and counted once.
    if (account.roleSets.indexOf(name) !== i) return;
    const set = Object.hasOwn(roleSets, name) ? roleSets[name] : undefined;
    set?.forEach((role, k) => roles.push({ role, path: ["roleSets", name, k], set: name, ref: ["accounts", a, "roleSets", i] }));
  });
  account.roles.forEach((role, r) => roles.push({ role, path: ["accounts", a, "roles", r], ref: ["accounts", a, "roles", r] }));
  return roles;
}

/** Whether a target's account part is a selector (a glob or `tag:`), not one account's name. */
export function isSelector(target: string): boolean {
  const account = target.slice(0, target.lastIndexOf("/"));
  return account.startsWith("tag:") || /[*?[\]]/.test(account);
}

/**
 * The `"<account>/<role>"` keys a `vaultRoles[].targets` entry stands for, in account order:
 * `"<account>/<role>"` itself; `"<glob>/<role>"`, every account whose name matches the glob and has
 * that role; `"tag:<tag>/<role>"`, every account with that tag and that role.
 */
export function expandTarget<R extends NamedRole>(
  target: string,
  accounts: readonly { readonly name: string; readonly tags: readonly string[]; readonly roles: readonly R[] }[],
): string[] {
  const slash = target.lastIndexOf("/");
  const selector = target.slice(0, slash);
  const roleName = target.slice(slash + 1);
  if (!isSelector(target)) return [target];
  const matches = selector.startsWith("tag:")
    ? (a: { tags: readonly string[] }) => a.tags.includes(selector.slice(4))
    : picomatchName(selector);
  return accounts.filter((a) => matches(a) && a.roles.some((r) => r.name === roleName)).map((a) => targetKey(a.name, roleName));
}

function picomatchName(glob: string): (account: { name: string }) => boolean {
  const test = globMatcher(glob);
  return (account) => test(account.name);
}
