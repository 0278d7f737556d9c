import { adminManagedPolicy } from "./admin-managed-policy";
import { inlineAllowsAllOfIam } from "./inline-allows-all-of-iam";
import { inlineAllowsEverything } from "./inline-allows-everything";
import { inlineReadOnlyActions } from "./inline-read-only-actions";
import { higherPrivilege, type PrivilegeFinding, type PrivilegeLevel, type PrivilegeRule, type RolePolicy } from "./level";
import { readOnlyManagedPolicy } from "./read-only-managed-policy";
import { awsManagedPolicyName } from "./statements";

/** The rules in the order they are tried on each policy: the admin rules before the read rules. */
export const PRIVILEGE_RULES: readonly PrivilegeRule[] = [
  adminManagedPolicy,
  inlineAllowsEverything,
  inlineAllowsAllOfIam,
  readOnlyManagedPolicy,
  inlineReadOnlyActions,
];

/** One policy's level: the first rule that recognizes it, else `write` (it may change something). */
export function policyPrivilege(policy: RolePolicy): PrivilegeFinding {
  for (const rule of PRIVILEGE_RULES) {
    const finding = rule(policy);
    if (finding) return finding;
  }
  if (policy.kind === "inline") return { level: "write", reason: "the inline policy allows actions that are not read-only" };
  const name = awsManagedPolicyName(policy);
  return name === undefined
    ? { level: "write", reason: `${policy.policyArn} is a customer managed policy, whose content is not read here` }
    : { level: "write", reason: `${name} is neither an administrator nor a read-only policy` };
}

/** A role's privilege and the reasons for it (the findings at that level). */
export interface RolePrivilege {
  readonly level: PrivilegeLevel;
  readonly reasons: readonly string[];
}

/**
 * A role's privilege: the highest level over its managed policies and its inline policy. A role
 * with no policy can do nothing, and is `read`.
 */
export function rolePrivilege(role: {
  readonly managedPolicyArns: readonly string[];
  readonly inlinePolicy?: Readonly<Record<string, unknown>>;
}): RolePrivilege {
  const policies: RolePolicy[] = role.managedPolicyArns.map((policyArn) => ({ kind: "managed", policyArn }));
  if (role.inlinePolicy) policies.push({ kind: "inline", document: role.inlinePolicy });
  if (policies.length === 0) return { level: "read", reasons: ["the role has no policy, so it can do nothing"] };
  const findings = policies.map(policyPrivilege);
  const level = findings.map((f) => f.level).reduce(higherPrivilege);
  return { level, reasons: findings.filter((f) => f.level === level).map((f) => f.reason) };
}
