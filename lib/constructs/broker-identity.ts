import { IamAccessKey } from "@cdktf/provider-aws/lib/iam-access-key";
import { IamGroup } from "@cdktf/provider-aws/lib/iam-group";
import { IamGroupPolicy } from "@cdktf/provider-aws/lib/iam-group-policy";
import { IamGroupPolicyAttachment } from "@cdktf/provider-aws/lib/iam-group-policy-attachment";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { IamUserGroupMembership } from "@cdktf/provider-aws/lib/iam-user-group-membership";
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { brokerOwnKeysPolicy, brokerPolicyGroup } from "../policy/broker-policies";
import type { BrokerUserModel } from "../model";
import { everyFieldTaken, type WithDefaults } from "../model-fields";
import { type PolicyDocument, policyJson } from "../policy/document";

/**
 * Configuration of a `BrokerIdentity`: a `BrokerUserModel` without `userArn` (what AWS assigns from
 * the name) and `keepPreviousKey` (of the keys Terraform held before Vault did; this construct
 * holds none), so that a field added to the model reaches the user or fails to compile, and the
 * broker's policies.
 *
 * - `userName`: IAM user name, e.g. `vault-account`.
 * - `keyGeneration`: generation of the access key Vault holds. The user has no key in Terraform: the
 *   generations up to this one are the keys earlier versions created, which Terraform now forgets
 *   without deleting them (Vault may still hold one until it rotates it). @default 1
 */
export interface BrokerIdentityConfig extends WithDefaults<Omit<BrokerUserModel, "userArn" | "keepPreviousKey">, "keyGeneration"> {
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
 * The user has no access key in Terraform, so no state, plan or artifact holds one: `vault-aws
 * broker-key` creates the first key straight into Vault, which rotates it at once
 * (`<mount>/config/rotate-root`), so only Vault ever holds the live key. The user may manage its own
 * keys only (an inline policy of group `<userName>-assume-roles-0`, see `brokerOwnKeysPolicy`), which is what rotate-root needs.
 */
export class BrokerIdentity extends Construct {
  /** The user's ARN. */
  public readonly userArn: string;
  /** The user's name. */
  public readonly userName: string;

  constructor(scope: Construct, id: string, config: BrokerIdentityConfig) {
    super(scope, id);
    // Its keys are Vault's, not Terraform's: before the user is deleted (the switch to a keyless
    // broker, step 3), delete its key, or IAM refuses (DeleteConflict). Not force_destroy: the
    // provider then lists service-specific credentials, which the sandbox's emulator cannot answer.
    const { userName, policies, keyGeneration, ...rest } = config;
    everyFieldTaken(rest);
    const user = new IamUser(this, "user", { name: userName });
    // Earlier versions kept keys here, named by generation (the current one and the one before it).
    // Terraform forgets them without deleting them: Vault may hold one until it rotates it.
    const generation = keyGeneration ?? 1;
    const formerKeys = [generation - 1, generation].filter((g) => g >= 1).map((g) => formerKeyAddress(this, g));
    TerraformStack.of(this).addOverride(
      "removed",
      formerKeys.map((from) => ({ from, lifecycle: { destroy: false } })),
    );

    // Group 0 always exists: it also holds the user's policy over its own keys, inline, so the user
    // joins no extra group (IAM allows 10 per user, all of which the assume-role policies may need).
    const groups: IamGroup[] = [new IamGroup(this, "assume-roles-group-0", { name: `${userName}-assume-roles-0` })];
    new IamGroupPolicy(this, "own-keys", {
      name: "rotate-own-access-key",
      group: groups[0].name,
      policy: policyJson(brokerOwnKeysPolicy(user.arn)),
    });

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
    new IamUserGroupMembership(this, "groups", { user: user.name, groups: groups.map((g) => g.name) });

    this.userArn = user.arn;
    this.userName = user.name;
  }
}

/**
 * The address the access key of `generation` had in the stack of `broker`, when this construct
 * created keys (construct id `access-key-<generation>`): computed by cdktf from the same construct
 * path in a throwaway app, so it is the address in the state of existing estates.
 */
export function formerKeyAddress(broker: Construct, generation: number): string {
  const stack = TerraformStack.of(broker);
  const path = broker.node.scopes.slice(stack.node.scopes.length).map((scope) => scope.node.id);
  let scope: Construct = new TerraformStack(new App(), stack.node.id);
  for (const id of path) scope = new Construct(scope, id);
  const key = new IamAccessKey(scope, `access-key-${generation}`, { user: "former" });
  return `${key.terraformResourceType}.${key.friendlyUniqueId}`;
}
