import { Audit } from "@cdktf/provider-vault/lib/audit";
import { Construct } from "constructs";
import type { VaultAuditModel } from "../model";

/**
 * A Vault audit device (`vault audit enable`), whose JSON lines `vault-aws trace` reads: with the
 * engine's access key ids in clear, each AWS session leads back to the login that asked for it.
 */
export class VaultAuditDevice extends Construct {
  /** The device, for resources that must wait for it. */
  public readonly device: Audit;

  constructor(scope: Construct, id: string, config: VaultAuditModel) {
    super(scope, id);
    this.device = new Audit(this, "device", {
      type: config.type,
      path: config.path,
      description: config.description ?? "vault-aws-multi-account: who requested which AWS credentials (vault-aws trace)",
      local: config.local,
      options: { ...config.options },
    });
  }
}
