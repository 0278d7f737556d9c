import { IdentityGroup } from "@cdktf/provider-vault/lib/identity-group";
import { IdentityGroupAlias } from "@cdktf/provider-vault/lib/identity-group-alias";
import { Construct } from "constructs";

/** Configuration of a `RequesterBinding`. */
export interface RequesterBindingConfig {
  /** The Vault identity group's name (see `identityGroupName`). */
  readonly groupName: string;
  /** The requester's ACL policies, which the group carries (see `RequesterPolicyModel.policyNames`). */
  readonly policyNames: readonly string[];
  /** The requester group it binds, for the group's metadata. */
  readonly requester: string;
  /** Path of the auth method's mount, for the group's metadata. */
  readonly authMount: string;
  /** Accessor of that mount (from the `vault_auth_backend` data source). */
  readonly mountAccessor: string;
  /** The external group's name, as the auth method reports it. */
  readonly externalGroup: string;
}

/**
 * Binds a requester to an identity-provider group: an external Vault identity group carrying the
 * requester's ACL policies, and its alias naming the external group on one auth mount. Whoever logs in
 * through that mount as a member of that group gets the policies. One group per binding: an external
 * group has one alias.
 */
export class RequesterBinding extends Construct {
  /** The identity group's name. */
  public readonly groupName: string;

  constructor(scope: Construct, id: string, config: RequesterBindingConfig) {
    super(scope, id);
    const group = new IdentityGroup(this, "group", {
      name: config.groupName,
      type: "external",
      policies: [...config.policyNames],
      metadata: {
        managed_by: "vault-aws-multi-account",
        requester: config.requester,
        auth_mount: config.authMount,
        external_group: config.externalGroup,
      },
    });
    new IdentityGroupAlias(this, "alias", {
      name: config.externalGroup,
      mountAccessor: config.mountAccessor,
      canonicalId: group.id,
    });
    this.groupName = group.name;
  }
}
