import { Policy } from "@cdktf/provider-vault/lib/policy";
import { Construct } from "constructs";
import { requesterAclPolicy, type StsGrant } from "../policy/vault-acl";

/** Configuration of a `RequesterPolicy`. */
export interface RequesterPolicyConfig {
  /** Vault policy name, e.g. `aws-developers`. */
  readonly policyName: string;
  /** The requester group it is written for. */
  readonly requester: string;
  /** STS paths the group may write, e.g. `aws/sts/dev-ec2-admin`, with their role ARNs. */
  readonly grants: readonly StsGrant[];
}

/** A Vault ACL policy granting `update` on exactly the STS paths of a requester group's roles. */
export class RequesterPolicy extends Construct {
  /** The policy's name, to bind to an auth method's group or role. */
  public readonly policyName: string;

  constructor(scope: Construct, id: string, config: RequesterPolicyConfig) {
    super(scope, id);
    const policy = new Policy(this, "policy", {
      name: config.policyName,
      policy: requesterAclPolicy(config.requester, config.grants),
    });
    this.policyName = policy.name;
  }
}
