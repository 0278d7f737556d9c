import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { awsProviderConfig } from "../lib/aws-provider";
import { addStateBackend } from "../lib/backend";
import { AssumableRole } from "../lib/constructs/assumable-role";
import { BrokerIdentity } from "../lib/constructs/broker-identity";
import { BrokerRolePolicies } from "../lib/constructs/broker-role-policies";
import { PipelineRole } from "../lib/constructs/pipeline-role";
import { PLAN_ROLE_NAME, planRolePolicy, planRoleTrustPolicy } from "../lib/policy/pipeline";
import type { AccountModel, BrokerModel, StateModel } from "../lib/model";
import type { SandboxOptions } from "../lib/sandbox";

/** Configuration of an `AccountStack`. */
export interface AccountStackConfig {
  /** The account and its roles. */
  readonly account: AccountModel;
  /** Where the stack keeps its state. */
  readonly state: StateModel;
  /**
   * The broker, when this is the broker's account.
   * @default - the broker lives in another account's stack
   */
  readonly broker?: BrokerModel;
  /**
   * Emulator endpoints and local state, for `npm run sandbox`.
   * @default - a normal deployment
   */
  readonly sandbox?: SandboxOptions;
  /**
   * IAM path of the managed roles.
   * @default "/"
   */
  readonly iamPath?: string;
  /**
   * The pipeline's plan identity, which `vault-aws-plan` in this account trusts (`pipeline.planRoles`).
   * @default - no `vault-aws-plan` role
   */
  readonly planIdentityArn?: string;
}

/** One AWS account: its assumable roles and, in the broker's account, the broker. */
export class AccountStack extends TerraformStack {
  /** The broker's IAM user (it has no key in Terraform: see `BrokerIdentity`), when this stack holds it. */
  public readonly broker?: BrokerIdentity;
  /** The broker's policies on the role Vault runs as, when this stack holds them. */
  public readonly brokerRole?: BrokerRolePolicies;

  constructor(scope: Construct, id: string, config: AccountStackConfig) {
    super(scope, id);
    const { account, sandbox } = config;
    addStateBackend(this, config.state, sandbox);
    new AwsProvider(this, "aws", awsProviderConfig(account, sandbox));

    const roleArns: Record<string, string> = {};
    for (const role of account.roles) {
      // The prefix keeps a role named like another construct of the stack ("aws", "broker") apart.
      const assumable = new AssumableRole(this, `role-${role.name}`, { ...role, roleName: role.name, path: config.iamPath });
      roleArns[role.name] = assumable.roleArn;
    }
    new TerraformOutput(this, "role_arns", {
      description: "ARN of each assumable role in this account, by role name",
      value: roleArns,
    });

    if (config.planIdentityArn !== undefined) {
      new PipelineRole(this, "pipeline-plan", {
        roleName: PLAN_ROLE_NAME,
        description: "vault-aws pull-request plans read this account's IAM; managed by vault-aws-multi-account",
        trustPolicy: planRoleTrustPolicy(config.planIdentityArn),
        policy: planRolePolicy(),
      });
    }

    const user = config.broker?.user;
    if (config.broker && user) {
      // keepPreviousKey is of the keys Terraform held before Vault did; the construct holds none.
      const { keepPreviousKey: _previous, ...identity } = user;
      this.broker = new BrokerIdentity(this, "broker", { ...identity, policies: config.broker.policies });
      new TerraformOutput(this, "broker_user_arn", { description: "ARN of Vault's broker user", value: this.broker.userArn });
    }
    const role = config.broker?.role;
    if (config.broker && role) {
      this.brokerRole = new BrokerRolePolicies(this, "broker-role", { ...role, policies: config.broker.policies });
      new TerraformOutput(this, "broker_role_arn", {
        description: "ARN of the role Vault runs as, which the trust policies admit",
        value: this.brokerRole.roleArn,
      });
    }
  }
}
