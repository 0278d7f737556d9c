import { VaultProvider } from "@cdktf/provider-vault/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { addStateBackend } from "../lib/backend";
import { RequesterPolicy } from "../lib/constructs/requester-policy";
import { VaultStsRole } from "../lib/constructs/vault-sts-role";
import type { Model, ShardPolicyModel, VaultRoleModel } from "../lib/model";
import type { SandboxOptions } from "../lib/sandbox";
import { stsCommands } from "../lib/vault-commands";
import { vaultProviderConfig } from "../lib/vault-provider";

/** Configuration of a `VaultRolesStack`. */
export interface VaultRolesStackConfig {
  /** The deployment; this stack uses its `vault` settings. */
  readonly model: Model;
  /** The Vault roles this stack holds: those whose `stackName` is this stack's. */
  readonly roles: readonly VaultRoleModel[];
  /** The ACL policies of this stack: those whose `stackName` is this stack's. */
  readonly policies: readonly ShardPolicyModel[];
  /** The engine's mount path (the `vault` stack's `mountPath`). */
  readonly mountPath: string;
  /**
   * Keep state in the sandbox's folder and reach the sandbox's Vault through `VAULT_ADDR`.
   * @default - the configured state backend
   */
  readonly sandbox?: SandboxOptions;
}

/**
 * One `vault-roles-NN` stack: the Vault roles of the accounts whose names hash to it (see
 * `roleStackIndex`), the ACL policy of each requester group granted one of them (the groups in
 * `vault` name it already), and the `vault write` command of each role. Its size is the estate's divided by
 * `vault.roleStacks`, so planning it costs the same whatever else changes.
 */
export class VaultRolesStack extends TerraformStack {
  /** Each role's Terraform address, e.g. `vault_generic_endpoint.role-dev-ec2-admin_role_1A2B3C4D`. */
  public readonly roleAddresses: readonly string[];

  constructor(scope: Construct, id: string, config: VaultRolesStackConfig) {
    super(scope, id);
    const { model } = config;
    addStateBackend(this, model.state, config.sandbox);
    new VaultProvider(this, "vault", vaultProviderConfig(model, config.sandbox));

    const commands: Record<string, string[]> = {};
    const byRequester: Record<string, string[]> = {};
    this.roleAddresses = config.roles.map((role) => {
      // The construct id is the one the role had in the single `vault` stack, so its address is too.
      const construct = new VaultStsRole(this, `role-${role.name}`, { ...role, mountPath: config.mountPath, roleName: role.name });
      commands[role.name] = stsCommands(role.stsPath, role.roleArns, role.defaultTtlSeconds);
      for (const requester of role.requesters) byRequester[requester] = [...(byRequester[requester] ?? []), ...commands[role.name]];
      return construct.resourceAddress;
    });
    for (const policy of config.policies) {
      const { name: policyName, requester, grants } = policy;
      new RequesterPolicy(this, `policy-${requester}`, { policyName, requester, grants });
    }
    new TerraformOutput(this, "requester_commands", {
      description: "The commands each requester group can run for the Vault roles of this stack",
      value: byRequester,
    });
    new TerraformOutput(this, "sts_commands", {
      description: "The command a requester runs for each Vault role of this stack (one per role ARN when it spans several)",
      value: commands,
    });
  }
}
