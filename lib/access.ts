import type { Model } from "./model";

/**
 * Who may mint credentials for what: one requester group, one Vault role, one IAM role ARN that
 * the Vault role hands out. The access model is the set of these, derived from the model (not from
 * plans or from Vault), so the same question gets the same answer before anything is applied.
 */
export interface AccessEntry {
  readonly requester: string;
  readonly vaultRole: string;
  readonly roleArn: string;
}

/** An access entry with what a reader of a report wants beside it. */
export interface AccessGrant extends AccessEntry {
  readonly accountName: string;
  readonly accountId: string;
  /** The IAM role's name in its account. */
  readonly roleName: string;
  /** `<mount>/sts/<vaultRole>`: what the requester writes to. */
  readonly stsPath: string;
  readonly defaultTtlSeconds: number;
  readonly maxTtlSeconds: number;
  /** Identity-provider groups bound to the requester, as `<authMount>/<group>`. */
  readonly externalGroups: readonly string[];
}

/** The file a synth writes beside `manifest.json`, so a later `changes` can diff access against it. */
export const ACCESS_FILE = "access.json";

/** The contents of `access.json`. */
export interface AccessFile {
  readonly version: 1;
  readonly grants: readonly AccessGrant[];
}

/** Every grant of the model, sorted by requester, Vault role and ARN. */
export function accessOf(model: Model): AccessGrant[] {
  const accountByArn = new Map(model.accounts.flatMap((a) => a.roles.map((r) => [r.roleArn, { account: a, role: r }] as const)));
  const groups = new Map(model.requesterPolicies.map((p) => [p.requester, p.bindings.map((b) => `${b.authMount}/${b.externalGroup}`)]));
  const grants: AccessGrant[] = [];
  for (const vaultRole of model.vaultRoles) {
    for (const requester of vaultRole.requesters) {
      for (const roleArn of vaultRole.roleArns) {
        const target = accountByArn.get(roleArn)!;
        grants.push({
          requester,
          vaultRole: vaultRole.name,
          roleArn,
          accountName: target.account.name,
          accountId: target.account.id,
          roleName: target.role.name,
          stsPath: vaultRole.stsPath,
          defaultTtlSeconds: vaultRole.defaultTtlSeconds,
          maxTtlSeconds: vaultRole.maxTtlSeconds,
          externalGroups: groups.get(requester) ?? [],
        });
      }
    }
  }
  return grants.sort(compareEntries);
}

/** What changed in access between two sets of entries. */
export interface AccessDiff {
  readonly granted: readonly AccessEntry[];
  readonly revoked: readonly AccessEntry[];
}

/** Entries in `current` and not in `base` (granted), and the reverse (revoked), sorted. */
export function accessDiff(base: readonly AccessEntry[], current: readonly AccessEntry[]): AccessDiff {
  const key = (e: AccessEntry) => `${e.requester}\u0000${e.vaultRole}\u0000${e.roleArn}`;
  const baseKeys = new Set(base.map(key));
  const currentKeys = new Set(current.map(key));
  const only = (entries: readonly AccessEntry[], absent: Set<string>) =>
    entries.filter((e) => !absent.has(key(e))).map(({ requester, vaultRole, roleArn }) => ({ requester, vaultRole, roleArn })).sort(compareEntries);
  return { granted: only(current, baseKeys), revoked: only(base, currentKeys) };
}

/** "developers may now request staging-deployer: arn:…" and its opposite. */
export function describeAccess(entry: AccessEntry, change: "granted" | "revoked"): string {
  const verb = change === "granted" ? "may now request" : "may no longer request";
  return `${entry.requester} ${verb} ${entry.vaultRole}: ${entry.roleArn}`;
}

function compareEntries(a: AccessEntry, b: AccessEntry): number {
  return a.requester.localeCompare(b.requester) || a.vaultRole.localeCompare(b.vaultRole) || a.roleArn.localeCompare(b.roleArn);
}
