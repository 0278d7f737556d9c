import { VaultAuditDevice } from "../lib/constructs/vault-audit-device";
import { VaultProvider } from "@cdktf/provider-vault/lib/provider";
import { DataVaultAuthBackend } from "@cdktf/provider-vault/lib/data-vault-auth-backend";
import { dependable, TerraformOutput, TerraformResource, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { addStateBackend } from "../lib/backend";
import { RequesterBinding } from "../lib/constructs/requester-binding";
import { RequesterPolicy } from "../lib/constructs/requester-policy";
import { VaultAwsEngine } from "../lib/constructs/vault-aws-engine";
import type { Model } from "../lib/model";
import type { SandboxOptions } from "../lib/sandbox";
import { vaultProviderConfig } from "../lib/vault-provider";

/** Configuration of a `VaultStack`. */
export interface VaultStackConfig {
  /** The deployment; this stack uses its `vault` and `requesterPolicies`. */
  readonly model: Model;
  /**
   * The generation of the broker user's key, which Vault holds (key mode); this stack never sees the
   * key itself and reads nothing from the broker's stack.
   * @default - no key: the engine uses Vault's own environment credentials (`broker.identity: role`)
   */
  readonly keyGeneration?: number;
  /**
   * Keep state in the sandbox's folder, like the AWS stacks, point the engine's STS and IAM calls
   * at the emulator, and reach the sandbox's Vault through `VAULT_ADDR`.
   * @default - the configured state backend
   */
  readonly sandbox?: SandboxOptions;
}

/**
 * The Vault side's shared part: the AWS secrets engine and the requester groups' bindings to
 * identity-provider groups, each carrying the group's fixed list of shard policy names. The Vault
 * roles and their ACL policies live in the `vault-roles-NN` stacks, so that adding or removing an
 * account leaves this stack as it is. With `vault.keepLegacyLayout`, also each group's whole policy
 * of the layout before, and the `removed` blocks of the roles it once held.
 */
export class VaultStack extends TerraformStack {
  /** The engine's mount path, which the roles stacks write under. */
  public readonly mountPath: string;

  constructor(scope: Construct, id: string, config: VaultStackConfig) {
    super(scope, id);
    const { model } = config;
    addStateBackend(this, model.state, config.sandbox);
    new VaultProvider(this, "vault", vaultProviderConfig(model, config.sandbox));

    // keepLegacyLayout says which ACL policies this stack holds (below), and audit is a device of Vault's: nothing of the engine's.
    const { keepLegacyLayout: _layout, audit, ...engine } = model.vault;
    // The audit device first: Vault answers a request 500 when enabling a device races its response's
    // audit entry, and the provider's retry of a create then meets what the first try made ("group
    // already exists"). Every other resource of the stack waits for it (below).
    const device = audit ? new VaultAuditDevice(this, "audit", audit) : undefined;
    new VaultAwsEngine(this, "engine", { ...engine, keyGeneration: config.keyGeneration, awsEndpoint: config.sandbox?.awsEndpoint });
    // The configured path rather than the engine's attribute: a reference would become a
    // cross-stack output, and the roles stacks would wait on this stack's state for a constant.
    this.mountPath = model.vault.mount;

    // One lookup per auth mount a binding names: its accessor comes from its path.
    const accessors = new Map<string, string>();
    const accessorOf = (authMount: string) => {
      if (!accessors.has(authMount))
        accessors.set(authMount, new DataVaultAuthBackend(this, `auth-mount-${authMount}`, { path: authMount }).accessor);
      return accessors.get(authMount)!;
    };
    const requesters: Record<string, { description: string; policies: readonly string[]; groups: string[] }> = {};
    for (const policy of model.requesterPolicies) {
      // The construct id the whole policy always had, so that an upgrading estate keeps it until it lets it go.
      if (model.vault.keepLegacyLayout) {
        new RequesterPolicy(this, `policy-${policy.requester}`, {
          policyName: policy.name,
          requester: policy.requester,
          grants: policy.grants,
        });
      }
      for (const binding of policy.bindings) {
        new RequesterBinding(this, `binding-${policy.requester}-${binding.authMount}-${binding.externalGroup}`, {
          groupName: binding.identityGroupName,
          policyNames: policy.policyNames,
          requester: policy.requester,
          authMount: binding.authMount,
          mountAccessor: accessorOf(binding.authMount),
          externalGroup: binding.externalGroup,
        });
      }
      requesters[policy.requester] = {
        description: policy.description,
        policies: policy.policyNames,
        groups: policy.bindings.map((b) => `${b.authMount}: ${b.externalGroup}`),
      };
    }
    if (device) {
      for (const resource of this.node.findAll()) {
        if (resource instanceof TerraformResource && !resource.node.path.startsWith(device.node.path)) {
          resource.dependsOn = [...(resource.dependsOn ?? []), dependable(device.device)];
        }
      }
    }
    new TerraformOutput(this, "requesters", {
      description:
        "Each requester group: what it is, the ACL policies its identity groups carry (one per roles stack), " +
        "and the identity-provider groups bound to it (the vault-roles-NN stacks output its commands)",
      value: requesters,
    });
  }

  /**
   * Releases, without deleting them, the Vault roles this stack held before they moved to the
   * `vault-roles-NN` stacks. A Terraform `removed` block with `destroy = false` per role, at the
   * address the role had here: the roles stack has the same construct path, so the same address.
   * Applying this stack and the roles stacks in either order never deletes a role: the roles
   * stacks write each role (a Vault role write is an upsert) and this stack forgets it. A block
   * whose address is not in state does nothing.
   */
  releaseRolesMovedOut(addresses: readonly string[]): void {
    if (addresses.length > 0)
      this.addOverride(
        "removed",
        addresses.map((from) => ({ from, lifecycle: { destroy: false } })),
      );
  }
}
