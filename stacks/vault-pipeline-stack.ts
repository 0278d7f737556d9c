import { JwtAuthBackendRole } from "@cdktf/provider-vault/lib/jwt-auth-backend-role";
import { Policy } from "@cdktf/provider-vault/lib/policy";
import { VaultProvider } from "@cdktf/provider-vault/lib/provider";
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { addStateBackend } from "../lib/backend";
import type { Model, PipelineModel } from "../lib/model";
import { PIPELINE_VAULT_POLICY, pipelineApplyAcl, pipelineJwtRoles, pipelinePlanAcl } from "../lib/policy/pipeline-vault";
import type { SandboxOptions } from "../lib/sandbox";
import { vaultProviderConfig } from "../lib/vault-provider";

/** The name of the stack of the pipeline's Vault roles and policies (a Vault stack: its name starts `vault`). */
export const VAULT_PIPELINE_STACK_NAME = "vault-pipeline";

/** Configuration of a `VaultPipelineStack`. */
export interface VaultPipelineStackConfig {
  readonly model: Model;
  readonly pipeline: PipelineModel;
  /**
   * Local state and the sandbox's Vault.
   * @default - a normal deployment
   */
  readonly sandbox?: SandboxOptions;
}

/**
 * The pipeline's Vault side: two JWT auth roles under the existing JWT mount, `plan` (pull requests:
 * reads what the Vault stacks hold) and `apply` (the protected environment or branch: writes it),
 * with their ACL policies. Applied from a workstation: the apply policy cannot write these.
 */
export class VaultPipelineStack extends TerraformStack {
  constructor(scope: Construct, id: string, config: VaultPipelineStackConfig) {
    super(scope, id);
    const { model, pipeline } = config;
    addStateBackend(this, model.state, config.sandbox);
    new VaultProvider(this, "vault", vaultProviderConfig(model, config.sandbox));
    const roles = pipelineJwtRoles(pipeline.source);
    for (const identity of ["plan", "apply"] as const) {
      const policy = new Policy(this, `policy-${identity}`, {
        name: PIPELINE_VAULT_POLICY[identity],
        policy: identity === "plan" ? pipelinePlanAcl(model.vault.mount) : pipelineApplyAcl(model.vault.mount),
      });
      const body = roles[identity];
      new JwtAuthBackendRole(this, `role-${identity}`, {
        backend: pipeline.vaultAuthMount,
        roleName: `vault-aws-${identity}`,
        roleType: "jwt",
        boundAudiences: body.bound_audiences,
        userClaim: body.user_claim,
        boundSubject: body.bound_subject,
        // The provider splits a value on commas into the list Vault matches any of.
        boundClaims: body.bound_claims && Object.fromEntries(Object.entries(body.bound_claims).map(([k, v]) => [k, [v].flat().join(",")])),
        tokenTtl: body.token_ttl,
        tokenMaxTtl: body.token_max_ttl,
        tokenNoDefaultPolicy: true,
        tokenPolicies: [policy.name],
      });
    }
  }
}
