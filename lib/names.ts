import { createHash } from "node:crypto";

/**
 * Every name and ARN the program derives from the config, in one place.
 * ARNs are computed from config rather than read from resources so that the broker's stack and
 * the account stacks never wait on each other (see docs/layout.md, "Choices worth knowing").
 */

/** Name of the stack holding an account's roles (and, in the broker's account, the broker). */
export function accountStackName(accountName: string): string {
  return `aws-${accountName}`;
}

/** Name of the stack holding the Vault engine's mount and config, and the ACL policies. */
export const VAULT_STACK_NAME = "vault";

/** Name of the stack holding the Vault roles of stack number `index` (0-based), e.g. `vault-roles-03`. */
export function vaultRolesStackName(index: number): string {
  return `${VAULT_STACK_NAME}-roles-${String(index).padStart(2, "0")}`;
}

/** Whether a stack holds Vault resources (`vault` or `vault-…`), as opposed to an `aws-…` stack. */
export function isVaultStack(stackName: string): boolean {
  return stackName === VAULT_STACK_NAME || stackName.startsWith(`${VAULT_STACK_NAME}-`);
}

/** Vault role that hands out credentials for one account role. */
export function vaultRoleName(accountName: string, roleName: string): string {
  return `${accountName}-${roleName}`;
}

/** A requester group's name: lowercase, as Vault lowercases policy names. */
export const REQUESTER_NAME = /^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$/;

/** Vault ACL policy that lets one requester group ask for its roles. */
export function requesterPolicyName(mount: string, requester: string): string {
  return `${mount}-${requester}`;
}

/**
 * The ACL policy a roles stack holds for one requester group: `update` on the STS paths of the
 * group's roles in that stack only, e.g. `aws-developers.vault-roles-03`. The `.` cannot occur in a
 * requester's name, so no shard policy can take the name of another group's (or its own) whole
 * policy `<mount>-<requester>`.
 */
export function shardPolicyName(mount: string, requester: string, rolesStackName: string): string {
  return `${requesterPolicyName(mount, requester)}.${rolesStackName}`;
}

/** The path `vault write` takes to mint STS credentials for a Vault role. */
export function stsPath(mount: string, vaultRole: string): string {
  return `${mount}/sts/${vaultRole}`;
}

/** ARN of an IAM role, at the root path or under `path` (`/vault-aws/`). */
export function iamRoleArn(partition: string, accountId: string, roleName: string, path = "/"): string {
  return `arn:${partition}:iam::${accountId}:role${path}${roleName}`;
}

/** ARN of an IAM user at the root path. */
export function iamUserArn(partition: string, accountId: string, userName: string): string {
  return `arn:${partition}:iam::${accountId}:user/${userName}`;
}

/** ARN of an account's root principal, which delegates trust to the account's own IAM policies. */
export function accountRootArn(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:root`;
}

/** `"<account>/<role>"`, the way `vaultRoles[].targets` names an account role. */
export function targetKey(accountName: string, roleName: string): string {
  return `${accountName}/${roleName}`;
}

/**
 * The Vault identity group binding a requester to one external group, readable and never shared by
 * two bindings (Vault upserts groups by name, so a shared name would hand one requester's policy to
 * another's identity-provider group).
 *
 * `<policy>--<mount>--<group>` as is when that cannot be read two ways: every part is made of the
 * characters Vault's `identity/group/name/<name>` path takes and none holds `--` or starts or ends
 * with `-`, so the two separators are the only `--` in the name. Otherwise the parts are joined
 * with `/` and other characters replaced by `_`, and `--` and 16 hex digits of a SHA-256 of the
 * exact three parts are appended: such a name has a third `--`, so it never equals a plain one, and
 * two of them are equal only if the hashes are.
 */
export function identityGroupName(policyName: string, authMount: string, externalGroup: string): string {
  const parts = [policyName, authMount, externalGroup];
  const plain = parts.every((part) => /^[A-Za-z0-9_.@=,](?:[A-Za-z0-9_.@=,-]*[A-Za-z0-9_.@=,])?$/.test(part) && !part.includes("--"));
  const readable = parts.join("--");
  if (plain) return readable;
  const digest = createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 16);
  return `${readable.replace(/[^A-Za-z0-9_.@=,-]/g, "_")}--${digest}`;
}
