import { type PolicyDocument, policySize } from "./document";

/**
 * IAM quotas that bound the broker's identity policies (IAM User Guide, "IAM and AWS STS quotas").
 * All are account defaults; the policy size is fixed.
 */
export const IAM_QUOTAS = {
  /** Characters of one customer managed policy, whitespace excluded. */
  managedPolicyChars: 6144,
  /** Managed policies attached to one group. */
  managedPoliciesPerGroup: 10,
  /** Groups one user can belong to. */
  groupsPerUser: 10,
  /**
   * Managed policies attached to one role, counting those it had before this program attached any
   * (the default; adjustable with a quota increase).
   */
  managedPoliciesPerRole: 10,
  /** The most `managedPoliciesPerRole` can be raised to. */
  managedPoliciesPerRoleCeiling: 20,
} as const;

/**
 * How many of its role's managed-policy slots the keyless broker may fill, unless
 * `broker.attachmentSlots` says otherwise: half of IAM's default 10, leaving the rest to the
 * policies the role Vault runs as already has (the program cannot see them at synth).
 */
export const DEFAULT_BROKER_ATTACHMENT_SLOTS = 5;

/**
 * The most managed policies the broker can be granted: all of them reach it through its groups
 * (10 groups of 10). None is attached to the user directly, so that permissions are granted to
 * groups only (what checkov's CKV_AWS_40 asks).
 */
export const MAX_BROKER_POLICIES = IAM_QUOTAS.groupsPerUser * IAM_QUOTAS.managedPoliciesPerGroup;

/** Options of the broker's assume-role policies. */
export interface AssumePolicyOptions {
  /**
   * Also require `aws:ResourceOrgID` to equal this organization, a guard against an ARN that names
   * an account outside the organization.
   * @default - no organization condition
   */
  readonly organizationId?: string;
}

/**
 * The broker's identity policies: `sts:AssumeRole` on exactly the configured role ARNs and nothing
 * else, packed in order into as few managed policies as IAM's 6,144-character limit allows.
 *
 * Packing keeps the given order, so appending roles (adding an account at the end of the list) only
 * grows the last policy or adds new ones; every earlier policy stays byte-for-byte the same.
 */
export function brokerAssumePolicies(roleArns: readonly string[], options: AssumePolicyOptions = {}): PolicyDocument[] {
  const documents: PolicyDocument[] = [];
  let current: string[] = [];
  for (const arn of roleArns) {
    const candidate = [...current, arn];
    if (current.length > 0 && policySize(assumePolicy(candidate, options)) > IAM_QUOTAS.managedPolicyChars) {
      documents.push(assumePolicy(current, options));
      current = [arn];
    } else {
      current = candidate;
    }
  }
  if (current.length > 0) {
    documents.push(assumePolicy(current, options));
  }
  return documents;
}

/** One policy document allowing `sts:AssumeRole` on these ARNs. */
export function assumePolicy(roleArns: readonly string[], options: AssumePolicyOptions = {}): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AssumeConfiguredRoles",
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: [...roleArns],
        ...(options.organizationId !== undefined && {
          Condition: { StringEquals: { "aws:ResourceOrgID": options.organizationId } },
        }),
      },
    ],
  };
}

/**
 * The group that holds the broker's policy number `index` (0-based): group `k` holds policies
 * `10k` to `10k + 9`. The placement depends only on the index, so a policy never moves when more
 * are added.
 *
 * @returns the 0-based number of the group
 */
export function brokerPolicyGroup(index: number): number {
  return Math.floor(index / IAM_QUOTAS.managedPoliciesPerGroup);
}

/**
 * What Vault's `<mount>/config/rotate-root` calls with the broker user's key (Vault 1.21,
 * `builtin/logical/aws/path_config_rotate_root.go`): `iam:GetUser` on itself to learn its name, then
 * `iam:CreateAccessKey` and `iam:DeleteAccessKey` on that user. `iam:ListAccessKeys` lets an operator's
 * check (and Vault's error messages) see the user's keys.
 */
export const ROTATE_ROOT_ACTIONS = ["iam:GetUser", "iam:ListAccessKeys", "iam:CreateAccessKey", "iam:DeleteAccessKey"] as const;

/**
 * The broker user's policy over its own access keys, so that Vault can rotate the key it holds and
 * the key Terraform or a bootstrap ever saw is dead. Only the user's own ARN: a leaked key can add a
 * second key for this user (IAM allows two) or delete Vault's key, and nothing else it could not do
 * already.
 */
export function brokerOwnKeysPolicy(userArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "RotateOwnAccessKey", Effect: "Allow", Action: [...ROTATE_ROOT_ACTIONS], Resource: userArn }],
  };
}
