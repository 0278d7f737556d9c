import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { type PolicyDocument, policyJson } from "../policy/document";
import type { TrustDocument } from "../policy/pipeline";

/** Configuration of a `PipelineRole`. */
export interface PipelineRoleConfig {
  readonly roleName: string;
  /** Who may assume it (a CI token of one repository and trust level, or the plan identity). */
  readonly trustPolicy: TrustDocument;
  /** Its only permissions, stored inline under the name `permissions`. */
  readonly policy: PolicyDocument;
  /** What the role is for, in IAM's description field. */
  readonly description: string;
}

/** A pipeline identity (plan, apply, or an account's `vault-aws-plan`): a role with one inline policy. */
export class PipelineRole extends Construct {
  /** The role's ARN. */
  public readonly roleArn: string;

  constructor(scope: Construct, id: string, config: PipelineRoleConfig) {
    super(scope, id);
    const role = new IamRole(this, "role", {
      name: config.roleName,
      description: config.description,
      assumeRolePolicy: JSON.stringify(config.trustPolicy),
      maxSessionDuration: 3600,
    });
    new IamRolePolicy(this, "permissions", { name: "permissions", role: role.name, policy: policyJson(config.policy) });
    this.roleArn = role.arn;
  }
}
