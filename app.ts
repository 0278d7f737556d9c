import { join, relative, resolve } from "node:path";
import { App } from "cdktf";
import type { Model } from "./lib/model";
import { VAULT_STACK_NAME } from "./lib/names";
import type { VaultRoleModel } from "./lib/model";
import type { SandboxOptions } from "./lib/sandbox";
import { terraformLiterals } from "./lib/terraform-literal";
import { AccountStack } from "./stacks/account-stack";
import { ORGANIZATION_STACK_NAME, OrganizationStack } from "./stacks/organization-stack";
import { PIPELINE_STACK_NAME, PipelineStack } from "./stacks/pipeline-stack";
import { VAULT_PIPELINE_STACK_NAME, VaultPipelineStack } from "./stacks/vault-pipeline-stack";
import { VaultRolesStack } from "./stacks/vault-roles-stack";
import { VaultStack } from "./stacks/vault-stack";

/** Options of `buildApp`. */
export interface BuildAppOptions {
  /**
   * Output folder of the synthesized stacks.
   * @default - cdktf's: `CDKTF_OUTDIR`, else `cdktf.out`
   */
  readonly outdir?: string;
  /**
   * The folder local state files live in, so that moving the output folder does not move them.
   * Written into each stack relative to its folder, which needs `outdir` too.
   * @default - beside the default output folder: `../../..` from each stack's folder
   */
  readonly localStateDir?: string;
  /**
   * Point the AWS stacks at an emulator.
   * @default - a normal deployment
   */
  readonly sandbox?: SandboxOptions;
}

/**
 * Composes the stacks: `aws-<account>` for every account, the broker in its account's stack;
 * `vault` (the engine and the requesters' identity groups), which depends on the broker's stack (for its key, or
 * with a keyless broker only to be applied after it); and
 * one `vault-roles-NN` stack per group of accounts that hash to it (their Vault roles and ACL policies), each depending on `vault` (the
 * mount) and on the account stacks of its roles (a Vault role is useful only once its IAM role
 * exists).
 */
export function buildApp(given: Model, options: BuildAppOptions = {}): App {
  const model = withLocalStateDir(asTerraformInput(given), options);
  const app = new App({ outdir: options.outdir, skipValidation: false });
  const stacks = model.accounts.map(
    (account) =>
      new AccountStack(app, account.stackName, {
        account,
        state: model.state,
        broker: account.name === model.broker.accountName ? model.broker : undefined,
        sandbox: options.sandbox,
        iamPath: model.iamPath,
        planIdentityArn: model.pipeline?.planRoles ? model.pipeline.planIdentityArn : undefined,
      }),
  );
  const brokerStack = stacks[model.accounts.findIndex((account) => account.name === model.broker.accountName)];
  // Nothing crosses from the broker's stack (Vault holds the user's key, or uses its own role); the
  // dependency stays, so that the user or role has its policies before Vault is pointed at it.
  const vault = new VaultStack(app, VAULT_STACK_NAME, {
    model,
    keyGeneration: model.broker.identity === "user" ? model.broker.user?.keyGeneration : undefined,
    sandbox: options.sandbox,
  });
  vault.addDependency(brokerStack);

  const stackOfArn = new Map(model.accounts.flatMap((account, i) => account.roles.map((role) => [role.roleArn, stacks[i]] as const)));
  const released: string[] = [];
  for (const [name, roles] of rolesByStack(model)) {
    const policies = model.shardPolicies.filter((p) => p.stackName === name);
    const rolesStack = new VaultRolesStack(app, name, { model, roles, policies, mountPath: vault.mountPath, sandbox: options.sandbox });
    rolesStack.addDependency(vault);
    for (const accountStack of new Set(roles.flatMap((role) => role.roleArns.map((arn) => stackOfArn.get(arn)!)))) {
      rolesStack.addDependency(accountStack);
    }
    released.push(...rolesStack.roleAddresses);
  }
  if (model.vault.keepLegacyLayout) vault.releaseRolesMovedOut(released);
  if (model.pipeline) {
    const hub = model.accounts.find((account) => account.name === model.pipeline!.hub.name)!;
    const pipeline = new PipelineStack(app, PIPELINE_STACK_NAME, {
      pipeline: model.pipeline,
      account: hub,
      state: model.state,
      sandbox: options.sandbox,
    });
    // IAM refuses a trust policy naming a principal that does not exist yet.
    if (model.pipeline.planRoles) for (const stack of stacks) stack.addDependency(pipeline);
    new VaultPipelineStack(app, VAULT_PIPELINE_STACK_NAME, { model, pipeline: model.pipeline, sandbox: options.sandbox });
  }
  if (model.guardrails?.organization) {
    new OrganizationStack(app, ORGANIZATION_STACK_NAME, {
      guardrails: model.guardrails,
      organization: model.guardrails.organization,
      state: model.state,
      region: model.accounts[0].region,
      sandbox: options.sandbox,
    });
  }
  return app;
}

/** The Vault roles of each `vault-roles-NN` stack, by stack name in order; empty stacks are left out. */
function rolesByStack(model: Model): [string, VaultRoleModel[]][] {
  const byStack = new Map<string, VaultRoleModel[]>();
  for (const role of model.vaultRoles) byStack.set(role.stackName, [...(byStack.get(role.stackName) ?? []), role]);
  return [...byStack.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/**
 * The model as construct input: every string from the config made literal for Terraform, the one
 * place where that happens (see `terraformLiteral`). The state settings pass through it unchanged:
 * the schema keeps them free of template syntax, because they reach both the backend block, which
 * Terraform reads as is, and cross-stack `terraform_remote_state` sources, which it evaluates.
 */
function asTerraformInput(model: Model): Model {
  return terraformLiterals(model);
}

/** The model with its local state written relative to the stack folders of `options.outdir`. */
function withLocalStateDir(model: Model, options: BuildAppOptions): Model {
  if (model.state.kind !== "local" || options.localStateDir === undefined || options.outdir === undefined) return model;
  // Every stack's folder is <outdir>/stacks/<stack>, so one relative path serves them all.
  const fromStackDir = relative(join(resolve(options.outdir), "stacks", "stack"), resolve(options.localStateDir)) || ".";
  return { ...model, state: { kind: "local", fromStackDir } };
}
