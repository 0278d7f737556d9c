import { VaultProvider } from "@cdktf/provider-vault/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { addStateBackend } from "../lib/backend";
import { RequesterPolicy } from "../lib/constructs/requester-policy";
import { VaultAwsEngine } from "../lib/constructs/vault-aws-engine";
import { VaultStsRole } from "../lib/constructs/vault-sts-role";
import type { Model } from "../lib/model";
import type { SandboxOptions } from "../lib/sandbox";
import { stsCommands } from "../lib/vault-commands";
import type { BrokerIdentity } from "../lib/constructs/broker-identity";

/** Configuration of a `VaultStack`. */
export interface VaultStackConfig {
  /** The deployment; this stack uses its `vault`, `vaultRoles` and `requesterPolicies`. */
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

/** The Vault side: the AWS secrets engine, one role per assumable role or spanning role, and ACL policies. */
export class VaultStack extends TerraformStack {
  constructor(scope: Construct, id: string, config: VaultStackConfig) {
    super(scope, id);
    const { model, broker } = config;
    addStateBackend(this, model.state, config.sandbox);
    // Address and token come from VAULT_ADDR and VAULT_TOKEN unless the config names an address;
    // a token is never part of the config or of the synthesized files. The sandbox always uses
    // the address of its own Vault dev server, from VAULT_ADDR.
    new VaultProvider(this, "vault", model.vault.address && !config.sandbox ? { address: model.vault.address } : {});

    const engine = new VaultAwsEngine(this, "engine", {
      mount: model.vault.mount,
      region: model.vault.region,
      accessKeyId: broker.accessKeyId,
      secretAccessKey: broker.secretAccessKey,
      awsEndpoint: config.sandbox?.awsEndpoint,
    });

    const commands: Record<string, string[]> = {};
    for (const role of model.vaultRoles) {
      new VaultStsRole(this, `role-${role.name}`, {
        mountPath: engine.mountPath,
        roleName: role.name,
        roleArns: role.roleArns,
        defaultTtlSeconds: role.defaultTtlSeconds,
        maxTtlSeconds: role.maxTtlSeconds,
        externalId: role.externalId,
      });
      commands[role.name] = stsCommands(role.stsPath, role.roleArns, role.defaultTtlSeconds);
    }
    for (const policy of model.requesterPolicies) {
      new RequesterPolicy(this, `policy-${policy.requester}`, {
        policyName: policy.name,
        requester: policy.requester,
        grants: policy.grants,
      });
    }
    new TerraformOutput(this, "sts_commands", {
      description: "The command a requester runs for each Vault role (one per role ARN when it spans several)",
      value: commands,
    });
  }
}
