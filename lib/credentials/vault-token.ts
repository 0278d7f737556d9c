import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { CREDENTIALS_EXIT, CredentialsError } from "./errors";

/** Vault's own default address, as the `vault` CLI uses it when `VAULT_ADDR` is unset. */
export const DEFAULT_VAULT_ADDR = "https://127.0.0.1:8200";

/** The Vault address as the `vault` CLI finds it: `VAULT_ADDR`, else its default. */
export function vaultAddress(env: NodeJS.ProcessEnv): string {
  return (env.VAULT_ADDR || DEFAULT_VAULT_ADDR).replace(/\/+$/, "");
}

/**
 * The `token_helper` of the Vault CLI's config file (`VAULT_CONFIG_PATH`, else `~/.vault`), the one
 * key of that HCL file the token lookup needs: `token_helper = "/path/to/helper"`.
 */
export function tokenHelper(env: NodeJS.ProcessEnv): string | undefined {
  let text: string;
  try {
    text = readFileSync(env.VAULT_CONFIG_PATH || join(env.HOME || homedir(), ".vault"), "utf8");
  } catch {
    return undefined;
  }
  return /^\s*token_helper\s*=\s*"((?:[^"\\]|\\.)*)"\s*$/m.exec(text)?.[1].replace(/\\(.)/g, "$1");
}

/**
 * The Vault token as the `vault` CLI finds it: `VAULT_TOKEN`; else the configured token helper's
 * answer to `get`; else the file `~/.vault-token` that `vault login` writes.
 */
export function vaultToken(env: NodeJS.ProcessEnv): string {
  if (env.VAULT_TOKEN) return env.VAULT_TOKEN.trim();
  const helper = tokenHelper(env);
  let token = "";
  if (helper !== undefined) {
    const run = spawnSync(helper, ["get"], { env, encoding: "utf8", timeout: 10_000 });
    if (run.status === 0) token = run.stdout.trim();
  } else {
    try {
      token = readFileSync(join(env.HOME || homedir(), ".vault-token"), "utf8").trim();
    } catch {
      token = "";
    }
  }
  if (!token) {
    const where = helper === undefined ? "VAULT_TOKEN nor ~/.vault-token" : "VAULT_TOKEN nor the token helper";
    throw new CredentialsError(
      CREDENTIALS_EXIT.noToken,
      `no Vault token: neither ${where} holds one; log in with \`vault login -method=oidc\` (or set VAULT_TOKEN)`,
    );
  }
  return token;
}
