import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { Model } from "../lib/model";
import { iamRoleArn } from "../lib/names";
import { stsCommands } from "../lib/vault-commands";
import { SANDBOX_KEY } from "./profiles";
import { requesterTokens } from "./vault-checks";
import type { VaultEndpoint, VaultServer } from "./vault-server";

/** How long the tokens left for `--keep` last. */
const KEPT_TOKEN_TTL = "8h";

/**
 * What `--keep` leaves behind for exploring Vault: one token per requester group, holding only that
 * group's policies (those its identity groups carry), in `<workDir>/vault/tokens/<requester>` (mode 0600; never the root token), and the
 * commands that use them, as printed lines that work when pasted (see `vaultUseHints`).
 */
export async function keepVaultHints(
  model: Model,
  vault: VaultServer,
  binary: string,
  workDir: string,
  awsEndpoint?: string,
): Promise<string[]> {
  return [
    `Vault keeps running at ${vault.address} (pid ${vault.process.pid}); the root token is not kept anywhere.`,
    ...(await requesterTokenHints(model, vault, binary, workDir, awsEndpoint)),
    `Stop it with: kill -- -${vault.process.pid}`,
  ];
}

/** The requester groups' tokens of `keepVaultHints` (a dev server's or a cluster's), written, and the lines that use them. */
export async function requesterTokenHints(
  model: Model,
  vault: VaultEndpoint,
  binary: string,
  workDir: string,
  awsEndpoint?: string,
): Promise<string[]> {
  const dir = join(workDir, "vault", "tokens");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tokens = await requesterTokens(vault.root, model, KEPT_TOKEN_TTL);
  const shown = relative(process.cwd(), dir) || ".";
  for (const [requester, client] of tokens) {
    const file = join(dir, requester);
    writeFileSync(file, `${client.token}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return vaultUseHints(model, { address: vault.address, binary, tokenDir: shown, requesters: [...tokens.keys()], awsEndpoint });
}

/** Where the `--keep` hints point: Vault, its binary, the token files, and the AWS endpoint the credentials work at. */
export interface VaultUseOptions {
  readonly address: string;
  /** The Vault binary, written in place of `vault` in each command. */
  readonly binary: string;
  /** The folder of the requesters' token files, as the hints show it. */
  readonly tokenDir: string;
  /** The requester groups that have a token file. */
  readonly requesters: readonly string[];
  /**
   * Where the returned credentials work (the emulator).
   * @default - AWS itself
   */
  readonly awsEndpoint?: string;
}

/**
 * The pasteable lines of the `--keep` hints: one STS command per requester group, the `role_arn=`
 * form of each Vault role that spans accounts (Vault cannot pick the ARN for them), and how to use
 * the credentials Vault returns: exported into the shell, then `aws sts get-caller-identity` shows
 * the assumed role, at the emulator when there is one.
 */
export function vaultUseHints(model: Model, options: VaultUseOptions): string[] {
  const withBinary = (command: string) => command.replace(/^vault /, `${options.binary} `);
  const tokenOf = (requester: string) => `VAULT_TOKEN=$(cat ${join(options.tokenDir, requester)})`;
  const lines = [
    `Each requester group has a token holding only its own policies, valid ${KEPT_TOKEN_TTL}, in ${options.tokenDir}/. For example:`,
    `  export VAULT_ADDR=${options.address}`,
  ];
  const firstCommand: { requester: string; command: string }[] = [];
  for (const requester of options.requesters) {
    const policy = model.requesterPolicies.find((p) => p.requester === requester)!;
    const role = model.vaultRoles.find((r) => r.stsPath === policy.grants[0].path)!;
    const [command] = stsCommands(role.stsPath, role.roleArns, role.defaultTtlSeconds);
    firstCommand.push({ requester, command });
    lines.push(`  ${tokenOf(requester)} ${withBinary(command)}`);
  }
  const spanning = model.vaultRoles.filter((r) => r.roleArns.length > 1 && r.requesters.some((q) => options.requesters.includes(q)));
  if (spanning.length > 0) {
    lines.push("A Vault role that spans accounts needs role_arn= to say which role to assume (one command per ARN):");
    for (const role of spanning.slice(0, 3)) {
      const requester = role.requesters.find((q) => options.requesters.includes(q))!;
      for (const command of stsCommands(role.stsPath, role.roleArns, role.defaultTtlSeconds).slice(0, 2)) {
        lines.push(`  ${tokenOf(requester)} ${withBinary(command)}`);
      }
      if (role.roleArns.length > 2) lines.push(`  (and role_arn= each of its other ${role.roleArns.length - 2} ARNs)`);
    }
    if (spanning.length > 3)
      lines.push(
        `  (${spanning.length - 3} more Vault roles span accounts; the vault-roles-NN stacks' sts_commands output lists them all)`,
      );
  }
  const [example] = firstCommand;
  if (example !== undefined) {
    const json = withBinary(example.command).replace(/^(\S+) write /, "$1 write -format=json ");
    const exports = `.data | "export AWS_ACCESS_KEY_ID=\\(.access_key) AWS_SECRET_ACCESS_KEY=\\(.secret_key) AWS_SESSION_TOKEN=\\(.session_token)"`;
    const at = options.awsEndpoint !== undefined ? ` --endpoint-url ${options.awsEndpoint}` : "";
    lines.push(
      `Vault returns an access key, its secret and a session token; put them in the shell (needs jq) and call AWS as the role${at ? ", here at the emulator" : ""}:`,
      `  eval "$(${tokenOf(example.requester)} ${json} | jq -r '${exports}')"`,
      `  aws sts get-caller-identity --region ${model.vault.region}${at}`,
    );
  }
  return lines;
}

/**
 * What `--keep` prints for exploring the emulator: an AWS CLI config with one profile per account,
 * `sandbox-<account>`, that assumes the account's deployment role at the emulator (region and
 * endpoint included), so `aws --profile sandbox-dev iam list-roles` lists that account's roles.
 * The only key in it is the emulator's throwaway one.
 */
export function keepEmulatorHints(
  model: Model,
  endpoint: string,
  pid: number | undefined,
  workDir: string,
  deployRoleName: string,
): string[] {
  const file = join(workDir, "aws", "keep-config");
  mkdirSync(join(workDir, "aws"), { recursive: true });
  const region = model.vault.region;
  const base = `[profile sandbox-base]\nregion = ${region}\nendpoint_url = ${endpoint}\naws_access_key_id = ${SANDBOX_KEY.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${SANDBOX_KEY.AWS_SECRET_ACCESS_KEY}\n`;
  // The CLI caches assumed-role credentials by role and session name (~/.aws/cli/cache); a session
  // name of this emulator's own keeps a cached key of an earlier, vanished emulator out.
  const sessionName = `sandbox-${new URL(endpoint).port}-${Date.now()}`;
  const profiles = model.accounts.map((account) => {
    const roleArn = "roleArn" in account.deployment ? account.deployment.roleArn : iamRoleArn(model.partition, account.id, deployRoleName);
    return `[profile sandbox-${account.name}]\nregion = ${region}\nendpoint_url = ${endpoint}\nrole_arn = ${roleArn}\nrole_session_name = ${sessionName}\nsource_profile = sandbox-base\n`;
  });
  writeFileSync(file, [base, ...profiles].join("\n"));
  return [
    `The emulator keeps running at ${endpoint} (pid ${pid}). One AWS CLI profile per account assumes its deployment role there:`,
    `  export AWS_CONFIG_FILE=${file}`,
    ...model.accounts.slice(0, 3).map((account) => `  aws --profile sandbox-${account.name} iam list-roles --query 'Roles[].Arn'`),
    ...(model.accounts.length > 3 ? [`  (profiles sandbox-<account> for all ${model.accounts.length} accounts)`] : []),
    `Stop it with: kill ${pid}`,
  ];
}
