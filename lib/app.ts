import { App } from "cdktf";
import type { Model } from "./model";
import { VAULT_STACK_NAME } from "./names";
import type { SandboxOptions } from "./sandbox";
import { AccountStack } from "../stacks/account-stack";
import { VaultStack } from "../stacks/vault-stack";

/** Options of `buildApp`. */
export interface BuildAppOptions {
  /**
   * Output folder of the synthesized stacks.
   * @default - cdktf's: `CDKTF_OUTDIR`, else `cdktf.out`
   */
  readonly outdir?: string;
  /**
   * Point the AWS stacks at an emulator.
   * @default - a normal deployment
   */
  readonly sandbox?: SandboxOptions;
}

/**
 * Composes the stacks: `aws-<account>` for every account, the broker in its account's stack, and
 * `vault`, which depends on all of them (its roles are useful only once the IAM roles exist).
 */
export function buildApp(model: Model, options: BuildAppOptions = {}): App {
  const app = new App({ outdir: options.outdir, skipValidation: false });
  const stacks = model.accounts.map(
    (account) =>
      new AccountStack(app, account.stackName, {
        account,
        state: model.state,
        broker: account.name === model.broker.accountName ? model.broker : undefined,
        sandbox: options.sandbox,
      }),
  );
  const brokerStack = stacks.find((s) => s.broker)!;
  const vault = new VaultStack(app, VAULT_STACK_NAME, { model, broker: brokerStack.broker!, sandbox: options.sandbox });
  for (const stack of stacks) {
    vault.addDependency(stack);
  }
  return app;
}
