import type { PolicyDocument, PolicyStatement } from "./document";

/** Organizations' size quota of one service control policy, in characters (whitespace excluded). */
export const SCP_MAX_SIZE = 5120;

/** Actions that would let someone become the broker, or widen what it may assume. */
export const BROKER_ACTIONS = [
  // A credential for the broker user: a key, a console password, or another kind of credential.
  "iam:CreateAccessKey",
  "iam:UpdateAccessKey",
  "iam:CreateLoginProfile",
  "iam:UpdateLoginProfile",
  "iam:CreateServiceSpecificCredential",
  "iam:UploadSigningCertificate",
  "iam:UploadSSHPublicKey",
  // Deleting it, or giving it (or its groups) more permissions.
  "iam:DeleteUser",
  "iam:AttachUserPolicy",
  "iam:PutUserPolicy",
  "iam:AddUserToGroup",
  "iam:PutUserPermissionsBoundary",
  "iam:DeleteUserPermissionsBoundary",
  "iam:AttachGroupPolicy",
  "iam:PutGroupPolicy",
  // Rewriting the assume-role policies it holds.
  "iam:CreatePolicyVersion",
  "iam:SetDefaultPolicyVersion",
  "iam:DeletePolicy",
] as const;

/** Actions that would widen a managed role's trust or permissions, or remove it. */
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
  /** Principals exempt from the denies: the deployment roles (as ARN patterns) and any the config adds. */
  readonly exemptPrincipalArns: readonly string[];
}

/**
 * The service control policy that protects what Vault relies on, denying to every principal but
 * the exempt ones: a new credential for the broker user, its deletion, or more permissions for it,
 * its groups or its assume-role policies; in keyless mode, any change of the role Vault runs as
 * (its trust decides who can act as the broker) or of its assume-role policies; and any change of a managed role's trust, permissions,
 * boundary or session length, or its deletion. With an IAM path, one pattern covers every role;
 * at `/`, each distinct role name is listed (names repeat across accounts, so they collapse).
 */
export function guardrailPolicy(input: GuardrailInput): PolicyDocument {
  const iam = `arn:${input.partition}:iam::`;
  const broker = `${iam}${input.brokerAccountId}`;
  const roles = input.iamPath !== "/" ? [`${iam}*:role${input.iamPath}*`] : [...new Set(input.roleNames)].sort().map((name) => `${iam}*:role/${name}`);
  const exempt = { ArnNotLike: { "aws:PrincipalArn": [...input.exemptPrincipalArns] } };
  const statements: PolicyStatement[] = [];
  if (input.brokerUserName !== undefined) {
    const user = input.brokerUserName;
    statements.push({
      Sid: "ProtectVaultBroker",
      Effect: "Deny",
      Action: BROKER_ACTIONS.filter((action) => action !== "iam:CreateAccessKey"),
      Resource: [`${broker}:user/${user}`, `${broker}:group/${user}-assume-roles-*`, `${broker}:policy/${user}-assume-roles-*`],
      Condition: exempt,
    });
  }
  if (input.brokerRoleName !== undefined) {
    const role = input.brokerRoleName;
    statements.push({
      Sid: "ProtectVaultBrokerRole",
      Effect: "Deny",
      Action: [...ROLE_ACTIONS, "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy"],
      Resource: [`${broker}:role/${role}`, `${broker}:policy/${role}-assume-*`],
      Condition: exempt,
    });
  }
  statements.push({ Sid: "ProtectVaultManagedRoles", Effect: "Deny", Action: [...ROLE_ACTIONS], Resource: roles, Condition: exempt });
  if (input.brokerUserName !== undefined) {
    // Vault's rotate-root: the broker user creates its own next key (IAM caps it at two), so it is
    // exempt here beside the deployment roles; nobody else may make it a key.
    const self = `${broker}:user/${input.brokerUserName}`;
    statements.push({ Sid: "ProtectVaultBrokerKeys", Effect: "Deny", Action: ["iam:CreateAccessKey"], Resource: [self], Condition: { ArnNotLike: { "aws:PrincipalArn": [...input.exemptPrincipalArns, self] } } });
  }
  return { Version: "2012-10-17", Statement: statements };
}
