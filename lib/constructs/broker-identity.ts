import { IamAccessKey } from "@cdktf/provider-aws/lib/iam-access-key";
import { IamGroup } from "@cdktf/provider-aws/lib/iam-group";
import { IamGroupPolicyAttachment } from "@cdktf/provider-aws/lib/iam-group-policy-attachment";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { IamUserGroupMembership } from "@cdktf/provider-aws/lib/iam-user-group-membership";
import { Construct } from "constructs";
import { brokerPolicyGroup } from "../policy/broker-policies";
import type { BrokerUserModel } from "../model";
import { everyFieldTaken, type WithDefaults } from "../model-fields";
import { type PolicyDocument, policyJson } from "../policy/document";

/**
 * Configuration of a `BrokerIdentity`: a `BrokerUserModel` without `userArn` (what AWS assigns from
 * the name), so that a field added to the model reaches the user or fails to compile, and the
 * broker's policies.
 *
 * - `userName`: IAM user name, e.g. `vault-account`.
 * - `keyGeneration`: generation of the access key Vault uses; raising it creates a new key. @default 1
 * - `keepPreviousKey`: keep the previous generation's key, so Vault can switch to the new one before
 *   the old one is deleted (IAM allows two keys per user). @default false
 */
export interface BrokerIdentityConfig extends WithDefaults<Omit<BrokerUserModel, "userArn">, "keyGeneration" | "keepPreviousKey"> {
  /**
   * Identity policies, each at most 6,144 characters (see `brokerAssumePolicies`), at most 100.
   * Each ten are attached to one group the user belongs to, never to the user itself.
   */
  readonly policies: readonly PolicyDocument[];
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
    const { userName, policies, keyGeneration, keepPreviousKey, ...rest } = config;
    everyFieldTaken(rest);
    const user = new IamUser(this, "user", { name: userName });
    // Keys are named by generation, a config value: raising it adds a key rather than replacing one,
    // so a rotation can keep the old key until Vault holds the new one.
    const generation = keyGeneration ?? 1;
    const key = new IamAccessKey(this, `access-key-${generation}`, { user: user.name });
    if (keepPreviousKey && generation > 1) {
      new IamAccessKey(this, `access-key-${generation - 1}`, { user: user.name });
    }

    const groups: IamGroup[] = [];
    policies.forEach((document, index) => {
      // Policy numbers are chunk numbers of an append-only packing, not positions in the config.
      const number = index + 1;
      const policy = new IamPolicy(this, `assume-roles-${number}`, {
        name: `${userName}-assume-roles-${number}`,
        description: "Lets the Vault broker assume the configured roles; managed by vault-aws-multi-account",
        policy: policyJson(document),
      });
      const group = brokerPolicyGroup(index);
      groups[group] ??= new IamGroup(this, `assume-roles-group-${group}`, { name: `${userName}-assume-roles-${group}` });
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
