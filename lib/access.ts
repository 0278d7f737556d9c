import type { Model } from "./model";
import { type PrivilegeLevel, rolePrivilege } from "./policy/privilege";
import { stsCommands } from "./vault-commands";

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
  /** The account's tags from the config (`[]` when it has none). */
  readonly accountTags: readonly string[];
  /** The IAM role's managed policies, by ARN. */
  readonly managedPolicyArns: readonly string[];
  /** Whether the IAM role has an inline policy. */
  readonly hasInlinePolicy: boolean;
  /** Whether assuming the role requires the account's `sts:ExternalId` (Vault sends it). */
  readonly externalIdRequired: boolean;
  /** What the IAM role lets its holder do, from its policies (see `rolePrivilege`). */
  readonly privilege: PrivilegeLevel;
  /** Why the role has that level: one reason per policy at that level. */
  readonly privilegeReasons: readonly string[];
  /** The exact `vault write` the requester runs for this ARN, at the default TTL. */
  readonly vaultCommand: string;
}

/** The file a synth writes beside `manifest.json`, so a later `changes` can diff access against it. */
export const ACCESS_FILE = "access.json";

/**
 * The contents of `access.json`. Files written before the access report carry only the fields up
 * to `externalGroups`; `changes` reads nothing but `requester`, `vaultRole` and `roleArn`.
 */
export interface AccessFile {
  readonly version: 1;
  readonly grants: readonly AccessGrant[];
}

/** Every grant of the model, sorted by requester, Vault role and ARN. */
export function accessOf(model: Model): AccessGrant[] {
  const accountByArn = new Map(model.accounts.flatMap((a) => a.roles.map((r) => [r.roleArn, { account: a, role: r }] as const)));
  const groups = new Map(model.requesterPolicies.map((p) => [p.requester, p.bindings.map((b) => `${b.authMount}/${b.externalGroup}`)]));
  const grants: AccessGrant[] = [];
  const privileges = new Map(model.accounts.flatMap((a) => a.roles.map((r) => [r.roleArn, rolePrivilege(r)] as const)));
  for (const vaultRole of model.vaultRoles) {
    const commands = stsCommands(vaultRole.stsPath, vaultRole.roleArns, vaultRole.defaultTtlSeconds);
    for (const requester of vaultRole.requesters) {
      for (const [index, roleArn] of vaultRole.roleArns.entries()) {
        const target = accountByArn.get(roleArn)!;
        const privilege = privileges.get(roleArn)!;
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
          accountTags: target.account.tags,
          managedPolicyArns: target.role.managedPolicyArns,
          hasInlinePolicy: target.role.inlinePolicy !== undefined,
          externalIdRequired: target.role.externalId !== undefined,
          privilege: privilege.level,
          privilegeReasons: privilege.reasons,
          vaultCommand: commands[index],
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
    entries
      .filter((e) => !absent.has(key(e)))
      .map(({ requester, vaultRole, roleArn }) => ({ requester, vaultRole, roleArn }))
      .sort(compareEntries);
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
