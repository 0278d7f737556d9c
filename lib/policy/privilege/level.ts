/**
 * How much a role lets its holder do, from its policies: `read` (look, change nothing), `write`
 * (change resources) or `admin` (change anything, or grant itself the right to). See
 * `rolePrivilege` for the rules and their limits.
 */
export type PrivilegeLevel = "read" | "write" | "admin";

/** The levels from lowest to highest. */
export const PRIVILEGE_LEVELS: readonly PrivilegeLevel[] = ["read", "write", "admin"];

/** The higher of two levels. */
export function higherPrivilege(a: PrivilegeLevel, b: PrivilegeLevel): PrivilegeLevel {
  return PRIVILEGE_LEVELS.indexOf(a) >= PRIVILEGE_LEVELS.indexOf(b) ? a : b;
}

/** One policy of a role, as the rules see it. */
export type RolePolicy =
  | { readonly kind: "managed"; readonly policyArn: string }
  | { readonly kind: "inline"; readonly document: Readonly<Record<string, unknown>> };

/** What a rule concluded about one policy, and why, in words a reviewer can check. */
export interface PrivilegeFinding {
  readonly level: PrivilegeLevel;
  readonly reason: string;
}

/** A privilege rule: a finding when the policy is what the rule looks for, else `undefined`. */
export type PrivilegeRule = (policy: RolePolicy) => PrivilegeFinding | undefined;
