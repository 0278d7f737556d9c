import { DataAwsIamRole } from "@cdktf/provider-aws/lib/data-aws-iam-role";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import type { BrokerRoleModel } from "../model";
import { everyFieldTaken } from "../model-fields";
import { type PolicyDocument, policyJson } from "../policy/document";

/**
 * Configuration of a `BrokerRolePolicies`: a `BrokerRoleModel` without `attachmentSlots` (a quota
 * `buildModel` checks before any resource exists), so that a field added to the model reaches the
 * resources or fails to compile, and the broker's policies.
 *
 * - `roleName`: name of the existing IAM role Vault runs as, e.g. `vault-server`.
 * - `roleArn`: the ARN the trust policies admit for it (see `brokerTrustPolicy`). Planning fails if
 *   the role found by name has another ARN (a role with a path), before anything is changed.
 */
export interface BrokerRolePoliciesConfig extends Omit<BrokerRoleModel, "attachmentSlots"> {
  /**
   * Identity policies, each at most 6,144 characters (see `brokerAssumePolicies`), no more than
   * the role's free attachment slots (`broker.attachmentSlots`).
   */
  readonly policies: readonly PolicyDocument[];
}

/**
 * The keyless broker's permissions: the managed policies that allow `sts:AssumeRole` into the
 * configured roles, attached to the existing IAM role Vault runs as (its instance profile's role,
 * its IRSA or EKS Pod Identity role, or its ECS task role). The role itself is not managed here:
 * it is looked up, so that a plan fails with a clear message when it does not exist.
 *
 * Policy `n` is `<roleName>-assume-<n>`: a name no user's policy (`<user>-assume-roles-<n>`) can
 * have, so both sets can exist while an estate switches from a user to the role. A policy's number
 * is its chunk of the append-only packing, so adding roles only grows the last policy or adds one.
 */
export class BrokerRolePolicies extends Construct {
  /** The role's ARN, as the trust policies name it. */
  public readonly roleArn: string;
  /** The role's name. */
  public readonly roleName: string;

  constructor(scope: Construct, id: string, config: BrokerRolePoliciesConfig) {
    super(scope, id);
    const { roleName, roleArn, policies, ...rest } = config;
    everyFieldTaken(rest);
    new DataAwsIamRole(this, "role", {
      name: roleName,
      lifecycle: {
        postcondition: [
          {
            condition: `\${self.arn == ${JSON.stringify(roleArn)}}`,
            errorMessage: `broker.roleName: the role ${roleName} must have the ARN ${roleArn}, which the trust policies admit; a role with a path has another ARN and is not supported`,
          },
        ],
      },
    });
    policies.forEach((document, index) => {
      const number = index + 1;
      const policy = new IamPolicy(this, `assume-${number}`, {
        name: `${roleName}-assume-${number}`,
        description: "Lets Vault, running as this role, assume the configured roles; managed by vault-aws-multi-account",
        policy: policyJson(document),
      });
      // The name, not the data source's attribute: `explain` and reviewers read the role's name.
      new IamRolePolicyAttachment(this, `assume-${number}-attachment`, { role: roleName, policyArn: policy.arn });
    });
    this.roleArn = roleArn;
    this.roleName = roleName;
  }
}
