import { type CacheKey, cacheDir, cacheFile } from "./cache";
import { vaultAddress, vaultToken } from "./vault-token";

/** The options of `vault-aws credentials` that say which credentials. */
export interface CredentialsRequestOptions {
  readonly role: string;
  /** @default - the Vault role's only ARN */
  readonly roleArn?: string;
  /** @default - the Vault role's default TTL */
  readonly ttl?: string;
  /** @default "aws" */
  readonly mount?: string;
  /** Vault's address, which generated profiles carry so that they work where VAULT_ADDR is unset. @default - VAULT_ADDR */
  readonly address?: string;
}

/** The cache key and file of a call, from its options and the environment (Vault's own variables). Throws when there is no token. */
export function credentialsRequest(options: CredentialsRequestOptions, env: NodeJS.ProcessEnv): { key: CacheKey; file: string } {
  const key: CacheKey = {
    address: vaultAddress(options.address ? { ...env, VAULT_ADDR: options.address } : env),
    token: vaultToken(env),
    namespace: env.VAULT_NAMESPACE || undefined,
    mount: options.mount ?? "aws",
    role: options.role,
    roleArn: options.roleArn,
    ttl: options.ttl,
  };
  return { key, file: cacheFile(cacheDir(env), key) };
}

/** The flags the fast path understands; any other argument sends the call to the whole program. */
const FLAGS: Readonly<Record<string, keyof CredentialsRequestOptions>> = {
  "--role": "role",
  "--role-arn": "roleArn",
  "--ttl": "ttl",
  "--mount": "mount",
  "--address": "address",
};

/**
 * The options of a `credentials` command line (`--flag value` or `--flag=value`), or undefined
 * for anything else (`--help`, an unknown flag, a missing value), which commander then explains.
 */
export function parseCredentialsArgs(args: readonly string[]): CredentialsRequestOptions | undefined {
  const options: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].includes("=")
      ? [args[i].slice(0, args[i].indexOf("=")), args[i].slice(args[i].indexOf("=") + 1)]
      : [args[i], undefined];
    const name = FLAGS[flag];
    const value = inline ?? args[++i];
    if (name === undefined || value === undefined || value === "" || name in options) return undefined;
    options[name] = value;
  }
  return options.role === undefined ? undefined : (options as unknown as CredentialsRequestOptions);
}
