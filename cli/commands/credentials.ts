import { existsSync } from "node:fs";
import { cachedCredentials } from "../../lib/credentials/cache";
import { CredentialsError } from "../../lib/credentials/errors";
import { issueCredentials } from "../../lib/credentials/issue";
import { credentialsRequest, type CredentialsRequestOptions } from "../../lib/credentials/request";
import { terminalText } from "../../lib/output-text";
import type { CommandHandler } from "../context";

/** `vault-aws credentials`: its flags, and the accounts file for the message of a denial. */
export interface CredentialsOptions extends CredentialsRequestOptions {
  /**
   * The accounts file: when it exists, a denial names the requester groups that may get the role.
   * @default - no file: the message names no group
   */
  readonly config?: string;
}

/**
 * Prints AWS `credential_process` JSON (Version 1, with Expiration) for one Vault role, from the
 * cache while fresh, else from `vault write <mount>/sts/<role>`.
 *
 * Identity: the engineer's own Vault token (VAULT_TOKEN, the token helper or ~/.vault-token), at
 * VAULT_ADDR. It writes one STS path; Vault's ACL decides. A hostile accounts file could only change
 * the group names a denial message shows (it is read for nothing else); a hostile VAULT_ADDR would
 * receive the token, as it would from the `vault` CLI.
 */
export const credentialsCommand: CommandHandler<CredentialsOptions> = async (options, ctx) => {
  try {
    const { key, file } = credentialsRequest(options, ctx.env);
    const credentials = await cachedCredentials(file, () => issueCredentials({ ...key, whoMay: (role) => whoMay(options.config, role) }));
    ctx.log(JSON.stringify(credentials));
    return 0;
  } catch (error) {
    if (!(error instanceof CredentialsError)) throw error;
    ctx.note(`vault-aws: ${terminalText(error.message)}`);
    return error.exitCode;
  }
};

/** The requester groups the accounts file lets get `role`, or undefined without a readable file. */
async function whoMay(config: string | undefined, role: string): Promise<readonly string[] | undefined> {
  if (config === undefined || !existsSync(config)) return undefined;
  try {
    const { loadConfig } = await import("../../lib/config/load");
    const { buildModel } = await import("../../lib/model");
    return buildModel(loadConfig(config)).vaultRoles.find((r) => r.name === role)?.requesters ?? [];
  } catch {
    return undefined;
  }
}
