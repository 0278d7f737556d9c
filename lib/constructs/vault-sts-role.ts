import { GenericEndpoint } from "@cdktf/provider-vault/lib/generic-endpoint";
import { TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { type StsRoleSettings, stsRoleBody } from "../policy/vault-role";

/** Configuration of a `VaultStsRole`. */
export interface VaultStsRoleConfig extends StsRoleSettings {
  /** Mount path of the AWS secrets engine. */
  readonly mountPath: string;
  /** Vault role name. */
  readonly roleName: string;
}

/**
 * A Vault role of `credential_type = assumed_role`.
 *
 * Written as the literal API body through `vault_generic_endpoint` rather than
 * `vault_aws_secret_backend_role`, whose `role_arns` is ForceNew: with it, adding an account to a
 * role spanning accounts would delete and recreate the role. Here every change is an in-place write.
 */
export class VaultStsRole extends Construct {
  /** The Vault role's name. */
  public readonly roleName: string;

  constructor(scope: Construct, id: string, config: VaultStsRoleConfig) {
    super(scope, id);
    // A write to <mount>/roles/<name> leaves external_id as it was when the body has none, so
    // dropping an account's external ID must recreate the role. This marker changes only then
    // (and when one is added), and its replacement replaces the role.
    // A plain TerraformResource, not cdktf's DataResource: that one runs `terraform version` for
    // every instance at synth, 50 ms each, which made synthesizing 1,000 accounts take minutes.
    const externalIdMarker = new TerraformResource(this, "external-id-marker", { terraformResourceType: "terraform_data" });
    externalIdMarker.addOverride("triggers_replace", { externalId: config.externalId !== undefined });
    new GenericEndpoint(this, "role", {
      path: `${config.mountPath}/roles/${config.roleName}`,
      dataJson: JSON.stringify(stsRoleBody(config)),
      // Vault returns fields we never set (iam_groups, session_tags, ...); compare only ours.
      ignoreAbsentFields: true,
      // A plain address: cdktf would write a construct here as "${...}", which Terraform rejects.
      lifecycle: { replaceTriggeredBy: [`terraform_data.${externalIdMarker.friendlyUniqueId}`] },
    });
    this.roleName = config.roleName;
  }
}
