import { OrganizationsPolicy } from "@cdktf/provider-aws/lib/organizations-policy";
import { OrganizationsPolicyAttachment } from "@cdktf/provider-aws/lib/organizations-policy-attachment";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { awsProviderConfig } from "../lib/aws-provider";
import { addStateBackend } from "../lib/backend";
import type { GuardrailsModel, StateModel } from "../lib/model";
import { policyJson } from "../lib/policy/document";
import type { SandboxOptions } from "../lib/sandbox";

/** The stack's name. */
export const ORGANIZATION_STACK_NAME = "aws-organization";

/** Configuration of an `OrganizationStack`. */
export interface OrganizationStackConfig {
  readonly guardrails: GuardrailsModel;
  readonly organization: NonNullable<GuardrailsModel["organization"]>;
  readonly state: StateModel;
  /** Region of the provider (Organizations is global). */
  readonly region: string;
  readonly sandbox?: SandboxOptions;
}

/**
 * The guardrail service control policy, created in the organization's management account and
 * attached to the configured roots and OUs. SCPs do not apply to the management account itself.
 */
export class OrganizationStack extends TerraformStack {
  constructor(scope: Construct, id: string, config: OrganizationStackConfig) {
    super(scope, id);
    const { organization, sandbox } = config;
    addStateBackend(this, config.state, sandbox);
    new AwsProvider(
      this,
      "aws",
      awsProviderConfig(
        {
          name: "organization",
          id: organization.managementAccountId,
          stackName: id,
          tags: [],
          region: config.region,
          deployment: { roleArn: organization.deploymentRoleArn },
          roles: [],
        },
        sandbox,
      ),
    );
    const policy = new OrganizationsPolicy(this, "guardrails", {
      name: "vault-aws-guardrails",
      description: "Protects the Vault broker and the roles it assumes; managed by vault-aws-multi-account",
      type: "SERVICE_CONTROL_POLICY",
      content: policyJson(config.guardrails.policy),
    });
    for (const target of organization.targets) {
      new OrganizationsPolicyAttachment(this, `attach-${target}`, { policyId: policy.id, targetId: target });
    }
    new TerraformOutput(this, "guardrail_policy_id", { value: policy.id, description: "Id of the guardrail service control policy" });
  }
}
