import { GenericEndpoint } from "@cdktf/provider-vault/lib/generic-endpoint";
import { Construct } from "constructs";
import type { VaultRoleModel } from "../model";
import { everyFieldTaken } from "../model-fields";
import { stsRoleBody } from "../policy/vault-role";

/**
 * The fields of a `VaultRoleModel` that are not this construct's to write: `name` is `roleName`;
 * `requesters` and `stsPath` reach the requesters' ACL policies and the stack's outputs; `stackName`
 * chose the stack.
 */
export type VaultRoleFieldsElsewhere = "name" | "requesters" | "stsPath" | "stackName";

/**
 * Configuration of a `VaultStsRole`: a `VaultRoleModel` (its `StsRoleSettings`, which `stsRoleBody`
 * takes whole) without the fields written elsewhere, so that a field added to the model reaches the
 * role or fails to compile.
 */
export interface VaultStsRoleConfig extends Omit<VaultRoleModel, VaultRoleFieldsElsewhere> {
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
 * role spanning accounts would delete and recreate the role. Here every change is an in-place write,
 * adding or removing an external ID included (see `stsRoleBody`). One resource per role.
 */
export class VaultStsRole extends Construct {
  /** The Vault role's name. */
  public readonly roleName: string;
  /** The role's Terraform address in its stack, e.g. `vault_generic_endpoint.role-x_role_1A2B3C4D`. */
  public readonly resourceAddress: string;

  constructor(scope: Construct, id: string, config: VaultStsRoleConfig) {
    super(scope, id);
    const { mountPath, roleName, roleArns, defaultTtlSeconds, maxTtlSeconds, externalId, ...rest } = config;
    everyFieldTaken(rest);
    const endpoint = new GenericEndpoint(this, "role", {
      path: `${mountPath}/roles/${roleName}`,
      dataJson: JSON.stringify(stsRoleBody({ roleArns, defaultTtlSeconds, maxTtlSeconds, externalId })),
      // Vault returns fields we never set (iam_groups, session_tags, ...); compare only ours.
      ignoreAbsentFields: true,
    });
    this.roleName = roleName;
    this.resourceAddress = `${endpoint.terraformResourceType}.${endpoint.friendlyUniqueId}`;
  }
}
