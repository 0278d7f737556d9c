import type { Conditions, PolicyDocument, PolicyStatement } from "./document";

/** Organizations' size quota of one service control policy, in characters (whitespace excluded). */
export const SCP_MAX_SIZE = 5120;

/**
 * The broker user's access keys. Kept in a statement of their own (`ProtectVaultBrokerKeys`) so
 * that, if Vault ever manages the broker's keys itself (rotate-root), the broker alone can be
 * exempted from it without loosening anything else.
 */
export const BROKER_KEY_ACTIONS = ["iam:CreateAccessKey", "iam:UpdateAccessKey", "iam:DeleteAccessKey"] as const;

/** Actions that would let someone become the broker, or widen what it may assume. */
export const BROKER_ACTIONS = [
  // Another kind of credential for the broker user: a console password, or another credential.
  "iam:CreateLoginProfile",
  "iam:UpdateLoginProfile",
  "iam:CreateServiceSpecificCredential",
  "iam:UploadSigningCertificate",
  "iam:UploadSSHPublicKey",
  // Its name, which every trust policy's aws:PrincipalArn matches: renaming it away, renaming
  // another user to it (IAM checks UpdateUser on the old and the new name), or creating it anew.
  "iam:UpdateUser",
  "iam:CreateUser",
  "iam:DeleteUser",
  // Giving it, or its groups, more permissions, or changing whom the groups hold.
  "iam:AttachUserPolicy",
  "iam:PutUserPolicy",
  "iam:AddUserToGroup",
  "iam:RemoveUserFromGroup",
  "iam:PutUserPermissionsBoundary",
  "iam:DeleteUserPermissionsBoundary",
  "iam:AttachGroupPolicy",
  "iam:PutGroupPolicy",
] as const;

/** Actions that rewrite a managed policy in place: every principal it is attached to changes. */
export const POLICY_ACTIONS = ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy"] as const;

/** Actions that would widen a role's trust or permissions, or remove it. */
export const ROLE_ACTIONS = [
  "iam:UpdateAssumeRolePolicy",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
  "iam:PutRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:DeleteRolePermissionsBoundary",
  "iam:UpdateRole",
  "iam:DeleteRole",
] as const;

/** Every IAM action that writes, in few characters: what a role named like a deployment role, where it is not one, may not do. */
export const WRITE_ACTIONS = [
  "iam:Add*",
  "iam:Attach*",
  "iam:Create*",
  "iam:Delete*",
  "iam:Detach*",
  "iam:PassRole",
  "iam:Put*",
  "iam:Remove*",
  "iam:Set*",
  "iam:Update*",
  "iam:Upload*",
] as const;

/** What the guardrail protects, and who may still change it. */
export interface GuardrailInput {
  readonly partition: string;
  readonly brokerAccountId: string;
  /** The broker user's name, when there is one (key mode, or during a switch). */
  readonly brokerUserName?: string;
  /** The role Vault runs as, in keyless mode. */
  readonly brokerRoleName?: string;
  /** The managed roles' IAM path; `/` means their names are listed one by one. */
  readonly iamPath: string;
  /** Every managed role's name (any account). */
  readonly roleNames: readonly string[];
  /**
   * The managed policies the managed roles rely on that their own accounts could rewrite:
   * customer-managed policies they attach and permissions boundaries, as `<path><name>`.
   */
  readonly accountPolicyNames: readonly string[];
  /** The deployment role shared by every account that does not name its own. */
  readonly defaultDeploymentRoleName: string;
  /** Accounts that name their own deployment role, and that role's name. */
  readonly deploymentRoleOverrides: readonly { readonly accountId: string; readonly roleName: string }[];
  /** Accounts deployed through a named profile: no deployment role there is known. */
  readonly profileAccountIds: readonly string[];
  /** Further principals exempt from the denies (ARN patterns from the config). */
  readonly exemptPrincipalArns: readonly string[];
}

/**
 * The service control policy that protects what Vault relies on. Denied to every principal but the
 * deployment roles (and the principals the config exempts):
 * - the broker user's keys (`ProtectVaultBrokerKeys`), and any other credential for it, its name,
 *   its deletion, its groups and their permissions, and its assume-role policies (`ProtectVaultBroker`);
 * - in keyless mode, any change of the role Vault runs as, passing it to a service, and its
 *   assume-role policies (`ProtectVaultBrokerRole`);
 * - any change of a managed role's trust, permissions, boundary or session length, or its deletion
 *   (`ProtectVaultManagedRoles`), and rewriting the account's own policies they attach or are
 *   bounded by (`ProtectVaultManagedRolePolicies`).
 * The deployment roles themselves may be changed or passed only by themselves (`ProtectDeploymentRoles`).
 *
 * IAM calls only ever act on the caller's own account, so an exemption `arn:aws:iam::*:role/<name>`
 * exempts, in each account, that account's role of that name. That is exact where that name is the
 * account's deployment role, which the policy itself keeps anyone else from changing. Where it is not
 * (another account's deployment role name, or the default name in accounts with their own role or a
 * profile), anyone could create a role of that name: `PinDeploymentRoles` statements deny such a role
 * every write on what the policy protects, keyed on `aws:PrincipalAccount`. With an IAM path, one
 * pattern covers every managed role; at `/`, each distinct role name is listed (names repeat across
 * accounts, so they collapse).
 */
export function guardrailPolicy(input: GuardrailInput): PolicyDocument {
  const iam = `arn:${input.partition}:iam::`;
  const broker = `${iam}${input.brokerAccountId}`;
  const roles =
    input.iamPath !== "/" ? [`${iam}*:role${input.iamPath}*`] : [...new Set(input.roleNames)].sort().map((name) => `${iam}*:role/${name}`);
  const byName = new Map<string, string[]>([[input.defaultDeploymentRoleName, []]]);
  for (const { accountId, roleName } of input.deploymentRoleOverrides) byName.set(roleName, [...(byName.get(roleName) ?? []), accountId]);
  const deploymentRoles = [...byName.keys()].map((name) => `${iam}*:role/${name}`);
  const exemptArns = [...new Set([...deploymentRoles, ...input.exemptPrincipalArns])];
  const exempt: Conditions = { ArnNotLike: { "aws:PrincipalArn": exemptArns } };
  const statements: PolicyStatement[] = [];
  const deny = (Sid: string, Action: readonly string[], Resource: readonly string[], Condition = exempt) =>
    statements.push({ Sid, Effect: "Deny", Action: [...Action], Resource: [...Resource], Condition });
  if (input.brokerUserName !== undefined) {
    const user = `${broker}:user/${input.brokerUserName}`;
    // Vault's rotate-root: the broker user creates its own next key and deletes the old one (IAM caps
    // it at two), so it is exempt here beside the deployment roles; nobody else may touch its keys.
    deny("ProtectVaultBrokerKeys", BROKER_KEY_ACTIONS, [user], { ArnNotLike: { "aws:PrincipalArn": [...exemptArns, user] } });
    deny(
      "ProtectVaultBroker",
      [...BROKER_ACTIONS, ...POLICY_ACTIONS],
      [user, `${broker}:group/${input.brokerUserName}-assume-roles-*`, `${broker}:policy/${input.brokerUserName}-assume-roles-*`],
    );
  }
  if (input.brokerRoleName !== undefined) {
    const role = input.brokerRoleName;
    // PassRole: a workload given the role acts as Vault, whatever else protects it.
    deny(
      "ProtectVaultBrokerRole",
      [...ROLE_ACTIONS, "iam:PassRole", ...POLICY_ACTIONS],
      [`${broker}:role/${role}`, `${broker}:policy/${role}-assume-*`],
    );
  }
  deny("ProtectVaultManagedRoles", ROLE_ACTIONS, roles);
  const policies = [...new Set(input.accountPolicyNames)].sort().map((name) => `${iam}*:policy/${name}`);
  if (policies.length > 0) deny("ProtectVaultManagedRolePolicies", POLICY_ACTIONS, policies);
  // Whoever could change a deployment role's trust, or pass it to a workload, would be exempt from everything above.
  deny("ProtectDeploymentRoles", [...ROLE_ACTIONS, "iam:PassRole"], deploymentRoles, {
    ArnNotLike: { "aws:PrincipalArn": deploymentRoles },
  });

  const guarded = [...new Set(statements.flatMap((st) => st.Resource as string[]))];
  // Accounts whose deployment role is not the default one (an override naming the default is no override).
  const others = input.deploymentRoleOverrides.filter((o) => o.roleName !== input.defaultDeploymentRoleName).map((o) => o.accountId);
  const elsewhere = [...new Set([...others, ...input.profileAccountIds])].sort();
  [...byName.entries()].forEach(([name, accountIds], n) => {
    const impostor = { ArnLike: { "aws:PrincipalArn": `${iam}*:role/${name}` } };
    // The default name is the deployment role everywhere but in the few accounts listed; another name, only in those listed.
    const account: Conditions =
      n === 0
        ? { StringEquals: { "aws:PrincipalAccount": elsewhere } }
        : { StringNotEquals: { "aws:PrincipalAccount": [...accountIds].sort() } };
    if (n === 0 && elsewhere.length === 0) return;
    deny(`PinDeploymentRoles${n}`, WRITE_ACTIONS, guarded, { ...impostor, ...account });
  });
  return { Version: "2012-10-17", Statement: statements };
}
