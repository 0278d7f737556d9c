import { IamAccessKey } from "@cdktf/provider-aws/lib/iam-access-key";
import { IamGroup } from "@cdktf/provider-aws/lib/iam-group";
import { IamGroupPolicyAttachment } from "@cdktf/provider-aws/lib/iam-group-policy-attachment";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { IamUserGroupMembership } from "@cdktf/provider-aws/lib/iam-user-group-membership";
import { IamUserPolicyAttachment } from "@cdktf/provider-aws/lib/iam-user-policy-attachment";
import { Construct } from "constructs";
import { brokerPolicyGroup } from "../policy/broker-policies";
import { type PolicyDocument, policyJson } from "../policy/document";

/** Configuration of a `BrokerIdentity`. */
export interface BrokerIdentityConfig {
  /** IAM user name, e.g. `vault-account`. */
  readonly userName: string;
  /**
   * Identity policies, each at most 6,144 characters (see `brokerAssumePolicies`). The first ten
   * are attached to the user, each next ten to one group the user belongs to.
   */
  readonly policies: readonly PolicyDocument[];
  /**
   * Generation of the access key Vault uses; raising it creates a new key.
   * @default 1
   */
  readonly keyGeneration?: number;
  /**
   * Keep the previous generation's key, so Vault can switch to the new one before the old one is
   * deleted (IAM allows two keys per user).
   * @default false
   */
  readonly keepPreviousKey?: boolean;
}

/**
 * The IAM user whose access key Vault's AWS secrets engine uses, and the managed policies that
 * allow it `sts:AssumeRole` into the configured roles.
 *
 * The access key's secret is only in Terraform state; it leaves this stack through a sensitive
 * output that the Vault stack reads, and is never printed.
 */
export class BrokerIdentity extends Construct {
  /** The user's ARN. */
  public readonly userArn: string;
  /** The user's name. */
  public readonly userName: string;
  /** Id of the current generation's access key. */
  public readonly accessKeyId: string;
  /** Secret of the current generation's access key (sensitive). */
  public readonly secretAccessKey: string;

  constructor(scope: Construct, id: string, config: BrokerIdentityConfig) {
    super(scope, id);
    const user = new IamUser(this, "user", { name: config.userName });
    // Keys are named by generation, a config value: raising it adds a key rather than replacing one,
    // so a rotation can keep the old key until Vault holds the new one.
    const generation = config.keyGeneration ?? 1;
    const key = new IamAccessKey(this, `access-key-${generation}`, { user: user.name });
    if (config.keepPreviousKey && generation > 1) {
      new IamAccessKey(this, `access-key-${generation - 1}`, { user: user.name });
    }

    const groups: IamGroup[] = [];
    config.policies.forEach((document, index) => {
      // Policy numbers are chunk numbers of an append-only packing, not positions in the config.
      const number = index + 1;
      const policy = new IamPolicy(this, `assume-roles-${number}`, {
        name: `${config.userName}-assume-roles-${number}`,
        description: "Lets the Vault broker assume the configured roles; managed by vault-aws-multi-account",
        policy: policyJson(document),
      });
      const group = brokerPolicyGroup(index);
      if (group === undefined) {
        new IamUserPolicyAttachment(this, `assume-roles-${number}-attachment`, { user: user.name, policyArn: policy.arn });
        return;
      }
      if (!groups[group]) {
        groups[group] = new IamGroup(this, `assume-roles-group-${group + 1}`, {
          name: `${config.userName}-assume-roles-${group + 1}`,
        });
      }
      new IamGroupPolicyAttachment(this, `assume-roles-${number}-attachment`, { group: groups[group].name, policyArn: policy.arn });
    });
    if (groups.length > 0) {
      new IamUserGroupMembership(this, "groups", { user: user.name, groups: groups.map((g) => g.name) });
    }

    this.userArn = user.arn;
    this.userName = user.name;
    this.accessKeyId = key.id;
    this.secretAccessKey = key.secret;
  }
}
