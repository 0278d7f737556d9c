import { IamAccessKey } from "@cdktf/provider-aws/lib/iam-access-key";
import { IamGroup } from "@cdktf/provider-aws/lib/iam-group";
import { IamGroupPolicyAttachment } from "@cdktf/provider-aws/lib/iam-group-policy-attachment";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { IamUserGroupMembership } from "@cdktf/provider-aws/lib/iam-user-group-membership";
import { Construct } from "constructs";
import { brokerPolicyGroup } from "../policy/broker-policies";
import { type PolicyDocument, policyJson } from "../policy/document";

/** Configuration of a `BrokerIdentity`. */
export interface BrokerIdentityConfig {
  /** IAM user name, e.g. `vault-account`. */
  readonly userName: string;
  /**
   * Identity policies, each at most 6,144 characters (see `brokerAssumePolicies`), at most 100.
   * Each ten are attached to one group the user belongs to, never to the user itself.
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
 * The policies reach the user only through groups, so that no permission is attached to a user
 * directly: group `<userName>-assume-roles-<k>` holds the policies numbered `10k + 1` to `10k + 10`
 * (see `brokerPolicyGroup`). Groups are numbered from 0 so that group 1 onwards keep the names and
 * contents they had when the first ten policies were attached to the user itself.
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
      groups[group] ??= new IamGroup(this, `assume-roles-group-${group}`, { name: `${config.userName}-assume-roles-${group}` });
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
