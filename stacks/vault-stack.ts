import { VaultProvider } from "@cdktf/provider-vault/lib/provider";
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { addStateBackend } from "../lib/backend";
import type { BrokerIdentity } from "../lib/constructs/broker-identity";
import { RequesterPolicy } from "../lib/constructs/requester-policy";
import { VaultAwsEngine } from "../lib/constructs/vault-aws-engine";
import type { Model } from "../lib/model";
import type { SandboxOptions } from "../lib/sandbox";
import { vaultProviderConfig } from "../lib/vault-provider";

/** Configuration of a `VaultStack`. */
export interface VaultStackConfig {
  /** The deployment; this stack uses its `vault` and `requesterPolicies`. */
  readonly model: Model;
  /** The broker whose access key the engine uses (lives in another stack). */
  readonly broker: BrokerIdentity;
  /**
   * Keep state in the sandbox's folder, like the AWS stacks, point the engine's STS and IAM calls
   * at the emulator, and reach the sandbox's Vault through `VAULT_ADDR`.
   * @default - the configured state backend
   */
  readonly sandbox?: SandboxOptions;
}

/**
 * The Vault side's shared part: the AWS secrets engine and the requester groups' ACL policies. The
 * Vault roles live in the `vault-roles-NN` stacks, so that a change to one account touches this
 * stack only where an ACL policy changes.
 */
export class VaultStack extends TerraformStack {
  /** The engine's mount path, which the roles stacks write under. */
  public readonly mountPath: string;

  constructor(scope: Construct, id: string, config: VaultStackConfig) {
    super(scope, id);
    const { model, broker } = config;
    addStateBackend(this, model.state, config.sandbox);
    new VaultProvider(this, "vault", vaultProviderConfig(model, config.sandbox));

    new VaultAwsEngine(this, "engine", {
      mount: model.vault.mount,
      region: model.vault.region,
      accessKeyId: broker.accessKeyId,
      secretAccessKey: broker.secretAccessKey,
      awsEndpoint: config.sandbox?.awsEndpoint,
    });
    // The configured path rather than the engine's attribute: a reference would become a
    // cross-stack output, and the roles stacks would wait on this stack's state for a constant.
    this.mountPath = model.vault.mount;

    for (const policy of model.requesterPolicies) {
      new RequesterPolicy(this, `policy-${policy.requester}`, {
        policyName: policy.name,
        requester: policy.requester,
        grants: policy.grants,
      });
    }
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
    if (addresses.length > 0) this.addOverride("removed", addresses.map((from) => ({ from, lifecycle: { destroy: false } })));
  }
}
