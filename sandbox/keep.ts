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
 * group's policy, in `<workDir>/vault/tokens/<requester>` (mode 0600; never the root token), and the
 * commands that use them, as printed lines that work when pasted.
 */
export async function keepVaultHints(model: Model, vault: VaultServer, binary: string, workDir: string): Promise<string[]> {
  return [
    `Vault keeps running at ${vault.address} (pid ${vault.process.pid}); the root token is not kept anywhere.`,
    ...(await requesterTokenHints(model, vault, binary, workDir)),
    `Stop it with: kill -- -${vault.process.pid}`,
  ];
}

/** The requester groups' tokens of `keepVaultHints`, written, and the lines that use them. */
export async function requesterTokenHints(model: Model, vault: VaultEndpoint, binary: string, workDir: string): Promise<string[]> {
  const dir = join(workDir, "vault", "tokens");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tokens = await requesterTokens(vault.root, model, KEPT_TOKEN_TTL);
  const shown = relative(process.cwd(), dir) || ".";
  const lines = [
    `Each requester group has a token holding only its own policy, valid ${KEPT_TOKEN_TTL}, in ${shown}/. For example:`,
    `  export VAULT_ADDR=${vault.address}`,
  ];
  for (const [requester, client] of tokens) {
    const file = join(dir, requester);
    writeFileSync(file, `${client.token}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    const policy = model.requesterPolicies.find((p) => p.requester === requester)!;
    const role = model.vaultRoles.find((r) => r.stsPath === policy.grants[0].path)!;
    const [command] = stsCommands(role.stsPath, role.roleArns, role.defaultTtlSeconds);
    lines.push(`  VAULT_TOKEN=$(cat ${join(shown, requester)}) ${command.replace(/^vault /, `${binary} `)}`);
  }
  return lines;
}

/**
 * What `--keep` prints for exploring the emulator: an AWS CLI config with one profile per account,
 * `sandbox-<account>`, that assumes the account's deployment role at the emulator (region and
 * endpoint included), so `aws --profile sandbox-dev iam list-roles` lists that account's roles.
 * The only key in it is the emulator's throwaway one.
 */
export function keepEmulatorHints(model: Model, endpoint: string, pid: number | undefined, workDir: string, deployRoleName: string): string[] {
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
