import { ACCOUNT_NAME_MAX } from "../lib/config/schema";

/**
 * Config names for accounts that come from AWS Organizations, whose names are free text
 * ("Payments Dev", "ACME – Prod (EU)"). A config name is lowercase letters, digits and inner hyphens,
 * at most `ACCOUNT_NAME_MAX` characters, and unique (see `ACCOUNT_NAME` in the schema).
 */

/** The name lowercased, accents dropped, every run of other characters a single hyphen, no hyphen at either end. */
function slugify(orgName: string): string {
  return orgName
    .normalize("NFKD")
    .replace(/\p{M}/gu, "") // the accents NFKD split off: "Café" → "Cafe"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * The config name an organization account's name turns into: accents dropped, lowercased, every run
 * of other characters a single hyphen, no hyphen at either end, cut to the maximum length.
 * `""` when nothing is left (a name without latin letters or digits).
 */
export function accountSlug(orgName: string): string {
  return fit(slugify(orgName), "");
}

/** `base` cut so that `base + suffix` fits the maximum length, without a hyphen at the cut. */
function fit(base: string, suffix: string): string {
  return base.slice(0, ACCOUNT_NAME_MAX - suffix.length).replace(/-+$/, "") + suffix;
}

/** An organization account to name: its id and its name in the organization. */
export interface AccountToName {
  readonly id: string;
  readonly orgName: string;
}

/** The config name given to an account, and why it differs from the organization's, if it does. */
export interface AccountName {
  readonly id: string;
  readonly orgName: string;
  readonly name: string;
  /** Each way the name had to change, in words, e.g. `shortened to 40 characters`; empty when `name` is the organization's own. */
  readonly changes: readonly string[];
}

/**
 * Unique config names for new accounts. `taken` maps each name already in the config to what holds
 * it, in words for the report (e.g. `accounts[4] (444444444444)`). A name that is taken gets the first free suffix `-2`,
 * `-3`, ...; a name with no letters or digits becomes `account-<id>`.
 *
 * The result does not depend on the order of `accounts`: an account whose organization name is
 * already a valid config name claims it first ("payments-dev" before "Payments Dev"), then accounts
 * in order of id. It is returned sorted by name.
 */
export function nameAccounts(accounts: readonly AccountToName[], taken: ReadonlyMap<string, string>): AccountName[] {
  const holders = new Map(taken);
  const isOwnName = (a: AccountToName) => Number(slugify(a.orgName) === a.orgName);
  const order = [...accounts].sort((a, b) => isOwnName(b) - isOwnName(a) || compare(a.id, b.id));
  const named = order.map(({ id, orgName }) => {
    const changes: string[] = [];
    const slug = slugify(orgName);
    if (slug === "") changes.push(`"${orgName}" has no letters or digits to keep: named after the account id`);
    if (slug !== "" && slug !== orgName) changes.push("made lowercase letters, digits and inner hyphens");
    if (slug.length > ACCOUNT_NAME_MAX) changes.push(`shortened to ${ACCOUNT_NAME_MAX} characters`);
    const base = slug === "" ? `account-${id}` : fit(slug, "");
    let name = base;
    for (let n = 2; holders.has(name); n++) name = fit(base, `-${n}`);
    if (name !== base) changes.push(`"${base}" is taken by ${holders.get(base)}`);
    holders.set(name, `${id} "${orgName}", imported too`);
    return { id, orgName, name, changes };
  });
  return named.sort((a, b) => compare(a.name, b.name));
}

/** Code-unit order: the same on every machine, whatever its locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
