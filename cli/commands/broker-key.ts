import { IAMClient } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { loadConfig } from "../../lib/config/load";
import { buildModel, type AccountModel } from "../../lib/model";
import { ensureBrokerKey } from "../../run/broker-key";
import { ALLOW_VAULT_ADDRESS_FLAG, vaultAddressProblem } from "../../pipeline/vault-address";
import { VaultClient } from "../../run/vault-client";
import type { CommandHandler } from "../context";

/** Options of `vault-aws broker-key`. */
export interface BrokerKeyCommandOptions {
  /** The accounts file. */
  readonly config: string;
  /**
   * Let the config's `vault.address` receive `VAULT_TOKEN` though `VAULT_ADDR` differs.
   * @default false
   */
  readonly allowVaultAddress?: boolean;
}

/** The session name the broker's account sees in CloudTrail for the key's creation. */
export const BROKER_KEY_SESSION_NAME = "vault-aws-broker-key";

/**
 * `vault-aws broker-key`: in key mode, gives Vault's engine the broker user's key when it holds
 * none, such that no key ever reaches Terraform state, a plan or a log (see `ensureBrokerKey`).
 *
 * Runs as: the apply identity (a workstation's administrator, or the pipeline's apply job after
 * `vault-aws apply`), with `VAULT_ADDR` and a `VAULT_TOKEN` that may write `<mount>/config/*`, and
 * AWS credentials that may assume the broker account's deployment role. Were its code hostile, that
 * identity could do what the apply job can: change any managed account as the deployment role, and
 * rewrite the engine's configuration. It reads no state and needs nothing from a pull request.
 */
export const brokerKeyCommand: CommandHandler<BrokerKeyCommandOptions> = async (options, ctx) => {
  const model = buildModel(loadConfig(options.config));
  const user = model.broker.user;
  if (model.broker.identity === "role" || user === undefined) {
    ctx.log(`broker key: ${options.config} sets broker.identity: role; Vault uses the role it runs as, and there is no key to give it`);
    return 0;
  }
  const problem = vaultAddressProblem(model.vault.address, ctx.env, options.allowVaultAddress ?? false);
  if (problem) throw new Error(`broker-key refused: ${problem}`);
  const address = model.vault.address && options.allowVaultAddress ? model.vault.address : ctx.env.VAULT_ADDR;
  const token = ctx.env.VAULT_TOKEN;
  if (!address || !token) {
    throw new Error(
      `broker-key: ${!address ? "VAULT_ADDR" : "VAULT_TOKEN"} is not set: the command writes the key into Vault, so it needs Vault's address and a token ` +
        `(see docs/pipeline.md; ${ALLOW_VAULT_ADDRESS_FLAG} is not a substitute)`,
    );
  }
  const account = model.accounts.find((a) => a.name === model.broker.accountName)!;
  try {
    await ensureBrokerKey({
      mount: model.vault.mount,
      userName: user.userName,
      vault: new VaultClient(address, token),
      iam: await brokerAccountIam(account),
      log: ctx.log,
    });
  } catch (error) {
    throw new Error(`broker-key: ${(error as Error).message}`);
  }
  return 0;
};

/** IAM in the broker's account as its deployment role (or profile), from the ambient AWS credentials. */
async function brokerAccountIam(account: AccountModel): Promise<IAMClient> {
  if ("profile" in account.deployment) return new IAMClient({ region: account.region, profile: account.deployment.profile });
  const sts = new STSClient({ region: account.region });
  const { Credentials: c } = await sts.send(
    new AssumeRoleCommand({ RoleArn: account.deployment.roleArn, RoleSessionName: BROKER_KEY_SESSION_NAME }),
  );
  return new IAMClient({
    region: account.region,
    credentials: { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken },
  });
}
