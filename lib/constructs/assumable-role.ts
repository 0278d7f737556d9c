import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import { policyJson } from "../policy/document";
import { REVOKE_POLICY_NAME, revokeOlderSessionsPolicy } from "../policy/revoke";
import type { RoleModel } from "../model";
import { everyFieldTaken, type WithDefaults } from "../model-fields";

/**
 * The fields of a `RoleModel` that are not this construct's to write, each with where it goes: `name`
 * is `roleName`; `roleArn` is what AWS assigns from the name and path; `externalId` is already in
 * `trustPolicy`; `vaultRoleName` is the Vault side's (`VaultStsRole`).
 */
export type RoleFieldsElsewhere = "name" | "roleArn" | "externalId" | "vaultRoleName";

/**
 * Configuration of an `AssumableRole`: a `RoleModel` without the fields written elsewhere, so that
 * a field added to the model reaches the role or fails to compile (see `everyFieldTaken`).
 * The fields and their defaults are documented on `RoleModel`.
 */
export interface AssumableRoleConfig extends WithDefaults<Omit<RoleModel, RoleFieldsElsewhere>, "managedPolicyArns"> {
  /** IAM role name. */
  readonly roleName: string;
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
    const {
      roleName,
      trustPolicy,
      maxSessionSeconds,
      managedPolicyArns,
      inlinePolicy,
      revokeSessionsIssuedBefore,
      permissionsBoundaryArn,
      path,
      ...rest
    } = config;
    everyFieldTaken(rest);
    const role = new IamRole(this, "role", {
      name: roleName,
      assumeRolePolicy: policyJson(trustPolicy),
      maxSessionDuration: maxSessionSeconds,
      description: "Assumed by HashiCorp Vault's AWS secrets engine; managed by vault-aws-multi-account",
      permissionsBoundary: permissionsBoundaryArn,
      // Left out at "/", IAM's default, so that configs without iamPath synthesize as before.
      path: path !== undefined && path !== "/" ? path : undefined,
    });
    for (const policyArn of managedPolicyArns ?? []) {
      // The ARN is the attachment's identity: its id must not depend on the list position.
      new IamRolePolicyAttachment(this, `managed-${policyArn}`, { role: role.name, policyArn });
    }
    if (inlinePolicy !== undefined) {
      new IamRolePolicy(this, "inline", { role: role.name, name: "inline", policy: JSON.stringify(inlinePolicy) });
    }
    if (revokeSessionsIssuedBefore !== undefined) {
      new IamRolePolicy(this, "revoke-older-sessions", {
        role: role.name,
        name: REVOKE_POLICY_NAME,
        policy: policyJson(revokeOlderSessionsPolicy(revokeSessionsIssuedBefore)),
      });
    }
    this.roleArn = role.arn;
    this.roleName = role.name;
  }
}
