import { type AccountName, nameAccounts } from "./account-names";

/** An account as AWS Organizations lists it. */
export interface OrgAccount {
  readonly id: string;
  /** The account's name in the organization: free text. */
  readonly name: string;
  /** `State` (`ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`, `CLOSED`, ...), or the older `Status` where `State` is missing. */
  readonly state: string;
}

/** What import-accounts reads of the organization. */
export interface OrganizationView {
  readonly organizationId: string;
  /** Every account of the organization, whatever its OU: an account that is not here has left it. */
  readonly accounts: readonly OrgAccount[];
  /** The ids of the accounts to import from: those under the OUs asked for, or all of them. */
  readonly inScope: ReadonlySet<string>;
}

/** An entry of the config's `accounts:`, at its index. */
export interface ConfigAccount {
  readonly name: string;
  readonly id: string;
}

/** What an import adds to each new entry. */
export interface ImportDefaults {
  /** @default - no tags */
  readonly tags: readonly string[];
  /** @default - no role sets: the account gets no roles until some are written */
  readonly roleSets: readonly string[];
}

/** A new `accounts:` entry: its derived name, its id, and what the command line gave it. */
export interface NewAccount extends AccountName {
  readonly tags: readonly string[];
  readonly roleSets: readonly string[];
}

/** A config entry, with its index in `accounts:`. */
export interface ConfigEntry extends ConfigAccount {
  readonly index: number;
}

/** What an import adds, what it leaves out and why, and what it finds wrong with the config. */
export interface ImportPlan {
  /** New entries, sorted by name: appended in this order. */
  readonly added: readonly NewAccount[];
  /** Accounts in scope that are not ACTIVE (suspended, closing, closed): left out. */
  readonly inactive: readonly OrgAccount[];
  /** Accounts in scope already in the config, matched by id, in the config's order: left out. */
  readonly present: readonly (ConfigEntry & { readonly orgName: string })[];
  /** Config entries whose id the organization does not list: reported, never removed. */
  readonly notInOrganization: readonly ConfigEntry[];
  /** Config entries the organization lists as not ACTIVE: reported, kept. */
  readonly inactiveInConfig: readonly (ConfigEntry & { readonly state: string })[];
  /** Whether none of the config's accounts is in the organization: the credentials are likely another organization's. */
  readonly noneInOrganization: boolean;
}

/** An OU or root id, as the Organizations API's `ParentId` takes it: `ou-ab12-cdef3456`, `r-ab12`. */
export const PARENT_ID = /^(?:ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;

/** The state in which an account can be imported. */
export const ACTIVE = "ACTIVE";

/**
 * Which accounts of the organization become new entries of the config, under what names, and what
 * is left out. Accounts are matched by id only: a config entry keeps its name whatever the
 * organization calls the account.
 */
export function planImport(org: OrganizationView, config: readonly ConfigAccount[], defaults: ImportDefaults): ImportPlan {
  const entries: ConfigEntry[] = config.map((account, index) => ({ name: account.name, id: account.id, index }));
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  const listed = new Map(org.accounts.map((account) => [account.id, account]));
  const inScope = org.accounts.filter((account) => org.inScope.has(account.id));

  const present = inScope
    .flatMap((account) => {
      const entry = byId.get(account.id);
      return entry ? [{ ...entry, orgName: account.name }] : [];
    })
    .sort((a, b) => a.index - b.index);
  const inactive = inScope.filter((account) => !byId.has(account.id) && account.state !== ACTIVE);
  const toName = inScope.filter((account) => !byId.has(account.id) && account.state === ACTIVE);
  const taken = new Map(entries.map((entry) => [entry.name, `accounts[${entry.index}] (${entry.id})`]));
  const added = nameAccounts(
    toName.map((account) => ({ id: account.id, orgName: account.name })),
    taken,
  ).map((named) => ({ ...named, tags: [...defaults.tags], roleSets: [...defaults.roleSets] }));

  const notInOrganization = entries.filter((entry) => !listed.has(entry.id));
  return {
    added,
    inactive,
    present,
    notInOrganization,
    inactiveInConfig: entries.flatMap((entry) => {
      const state = listed.get(entry.id)?.state;
      return state !== undefined && state !== ACTIVE ? [{ ...entry, state }] : [];
    }),
    noneInOrganization: notInOrganization.length === entries.length,
  };
}
