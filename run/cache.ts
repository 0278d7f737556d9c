import { homedir } from "node:os";
import { join } from "node:path";

/**
 * The program's cache, outside the repo (Vault builds, base-commit synths): `$VAULT_AWS_CACHE`,
 * else `$XDG_CACHE_HOME/vault-aws`, else `~/.cache/vault-aws`.
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.VAULT_AWS_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "vault-aws");
}
