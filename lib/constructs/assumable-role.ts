import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import { type PolicyDocument, policyJson } from "../policy/document";
import { REVOKE_POLICY_NAME, revokeOlderSessionsPolicy } from "../policy/revoke";

/** Configuration of an `AssumableRole`. */
export interface AssumableRoleConfig {
  /** IAM role name. */
  readonly roleName: string;
  /** Who may assume the role; see `brokerTrustPolicy`. */
  readonly trustPolicy: PolicyDocument;
  /** Longest session AssumeRole may ask for, in seconds (3600 to 43200). */
  readonly maxSessionSeconds: number;
  /**
   * AWS or customer managed policies to attach.
   * @default - no managed policies
   */
  readonly managedPolicyArns?: readonly string[];
  /**
   * One inline policy, stored on the role under the name `inline`.
   * @default - no inline policy
   */
  readonly inlinePolicy?: Readonly<Record<string, unknown>>;
  /**
   * Deny everything to sessions issued before this RFC 3339 time, in an inline policy named
   * `AWSRevokeOlderSessions`, as the IAM console's "Revoke active sessions" does.
   * @default - no session is revoked
   */
  readonly revokeSessionsIssuedBefore?: string;
  /**
   * ARN of a managed policy that caps the role's permissions.
   * @default - no permissions boundary
   */
  readonly permissionsBoundaryArn?: string;
  /**
   * IAM path of the role.
   * @default "/"
   */
  readonly path?: string;
}

/**
 * An IAM role in a target account that Vault's broker may assume, with its permissions.
 * Managed policies are attached one resource per ARN (not the deprecated `managed_policy_arns`),
 * so adding or removing one policy touches only that attachment.
 */
export class AssumableRole extends Construct {
  /** The role's ARN, as AWS reports it. */
  public readonly roleArn: string;
  /** The role's name. */
  public readonly roleName: string;

  constructor(scope: Construct, id: string, config: AssumableRoleConfig) {
    super(scope, id);
    const role = new IamRole(this, "role", {
      name: config.roleName,
      assumeRolePolicy: policyJson(config.trustPolicy),
      maxSessionDuration: config.maxSessionSeconds,
      description: "Assumed by HashiCorp Vault's AWS secrets engine; managed by vault-aws-multi-account",
      permissionsBoundary: config.permissionsBoundaryArn,
      // Left out at "/", IAM's default, so that configs without iamPath synthesize as before.
      path: config.path !== undefined && config.path !== "/" ? config.path : undefined,
    });
    for (const policyArn of config.managedPolicyArns ?? []) {
      // The ARN is the attachment's identity: its id must not depend on the list position.
      new IamRolePolicyAttachment(this, `managed-${policyArn}`, { role: role.name, policyArn });
    }
    if (config.inlinePolicy !== undefined) {
      new IamRolePolicy(this, "inline", { role: role.name, name: "inline", policy: JSON.stringify(config.inlinePolicy) });
    }
    if (config.revokeSessionsIssuedBefore !== undefined) {
      new IamRolePolicy(this, "revoke-older-sessions", {
        role: role.name,
        name: REVOKE_POLICY_NAME,
        policy: policyJson(revokeOlderSessionsPolicy(config.revokeSessionsIssuedBefore)),
      });
    }
    this.roleArn = role.arn;
    this.roleName = role.name;
  }
}
