import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { awsProviderConfig } from "../lib/aws-provider";
import { addStateBackend } from "../lib/backend";
import { PipelineRole } from "../lib/constructs/pipeline-role";
import type { AccountModel, PipelineModel, StateModel } from "../lib/model";
import { AWS_AUDIENCE, issuerHost, PIPELINE_APPLY_ROLE_NAME, PIPELINE_PLAN_ROLE_NAME, pipelineTrustPolicy } from "../lib/policy/pipeline";
import type { SandboxOptions } from "../lib/sandbox";

/** The name of the hub account's pipeline stack. */
export const PIPELINE_STACK_NAME = "pipeline";

/** Configuration of a `PipelineStack`. */
export interface PipelineStackConfig {
  readonly pipeline: PipelineModel;
  /** The hub account, as the account stacks reach it. */
  readonly account: AccountModel;
  readonly state: StateModel;
  /**
   * Emulator endpoints and local state.
   * @default - a normal deployment
   */
  readonly sandbox?: SandboxOptions;
}

/**
 * The pipeline's identities in the hub account: the CI system's OIDC provider (unless one exists),
 * the plan identity (pull requests) and the apply identity (the protected environment or branch).
 * Applied from a workstation first (docs/pipeline.md): the pipeline's own identities are not the
 * pipeline's to change.
 */
export class PipelineStack extends TerraformStack {
  constructor(scope: Construct, id: string, config: PipelineStackConfig) {
    super(scope, id);
    const { pipeline } = config;
    addStateBackend(this, config.state, config.sandbox);
    new AwsProvider(this, "aws", awsProviderConfig(config.account, config.sandbox));
    const providerArn = pipeline.createProvider
      ? new IamOpenidConnectProvider(this, "oidc-provider", { url: `https://${issuerHost(pipeline.source)}`, clientIdList: [AWS_AUDIENCE] })
          .arn
      : pipeline.providerArn;
    const plan = new PipelineRole(this, "plan", {
      roleName: PIPELINE_PLAN_ROLE_NAME,
      description: "vault-aws pull-request plans: reads state, assumes vault-aws-plan; managed by vault-aws-multi-account",
      trustPolicy: pipelineTrustPolicy(providerArn, pipeline.source, "plan"),
      policy: pipeline.planPolicy,
    });
    const apply = new PipelineRole(this, "apply", {
      roleName: PIPELINE_APPLY_ROLE_NAME,
      description:
        "vault-aws applies from the protected environment: writes state, assumes the deployment roles; managed by vault-aws-multi-account",
      trustPolicy: pipelineTrustPolicy(providerArn, pipeline.source, "apply"),
      policy: pipeline.applyPolicy,
    });
    new TerraformOutput(this, "plan_role_arn", { description: "The plan identity (pull requests)", value: plan.roleArn });
    new TerraformOutput(this, "apply_role_arn", {
      description: "The apply identity (the protected environment or branch)",
      value: apply.roleArn,
    });
  }
}
