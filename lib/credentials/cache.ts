import { createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

// Only node: imports here: `vault-aws credentials` answers from this cache on every AWS CLI call,
// before the rest of the program is loaded (cli/credentials-fast.ts).

/** What an AWS `credential_process` prints: version 1 of the documented format. */
export interface ProcessCredentials {
  readonly Version: 1;
  readonly AccessKeyId: string;
  readonly SecretAccessKey: string;
  readonly SessionToken: string;
  /** ISO 8601; the SDKs call the process again before it. */
  readonly Expiration: string;
}

/** One cache entry: the credentials and when Vault issued them (epoch ms). */
export interface CacheEntry {
  readonly issuedAt: number;
  readonly credentials: ProcessCredentials;
}

/** What one set of credentials is for. Two calls with equal keys may share credentials. */
export interface CacheKey {
  /** `VAULT_ADDR`, as the call used it. */
  readonly address: string;
  /**
   * The Vault token: only its SHA-256 enters the key, so the cache never holds the token. A new
   * login (a new token) gets credentials of its own, without a Vault call to learn its accessor.
   */
  readonly token: string;
  /** `VAULT_NAMESPACE` @default - the root namespace */
  readonly namespace?: string;
  readonly mount: string;
  readonly role: string;
  /** @default - the Vault role's only ARN */
  readonly roleArn?: string;
  /** @default - the Vault role's default TTL */
  readonly ttl?: string;
}

/** The folder of the credential cache: `VAULT_AWS_CACHE_DIR`, else the user's cache folder. */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  if (env.VAULT_AWS_CACHE_DIR) return env.VAULT_AWS_CACHE_DIR;
  const base =
    process.platform === "darwin"
      ? join(homedir(), "Library", "Caches")
      : process.platform === "win32"
        ? (env.LOCALAPPDATA ?? join(homedir(), "AppData", "Local"))
        : env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "vault-aws", "credentials");
}

/** The cache file of one key: a hash of every part of the key, so no part of it shows in the name. */
export function cacheFile(dir: string, key: CacheKey): string {
  const sha = (s: string) => createHash("sha256").update(s).digest("hex");
  const parts = [key.address, sha(key.token), key.namespace ?? "", key.mount, key.role, key.roleArn ?? "", key.ttl ?? ""];
  return join(dir, `${sha(JSON.stringify(parts)).slice(0, 40)}.json`);
}

/** Credentials are refreshed this long before they expire, or halfway through a shorter life. */
export const REFRESH_WINDOW_MS = 15 * 60_000;

/**
 * When an entry stops being served (epoch ms): `REFRESH_WINDOW_MS` before it expires, so that the
 * AWS SDKs, which ask again 15 minutes (botocore's advisory refresh) before expiry, get fresh
 * credentials, but never earlier than halfway through its life, so that short TTLs are still reused.
 */
export function refreshAt(entry: CacheEntry): number {
  const expires = Date.parse(entry.credentials.Expiration);
  return expires - Math.min(REFRESH_WINDOW_MS, (expires - entry.issuedAt) / 2);
}

/** The entry in `file` if it can still be served at `now`; undefined when missing, unreadable or due. */
export function readFresh(file: string, now: number): ProcessCredentials | undefined {
  let entry: unknown;
  try {
    entry = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
  if (!isCacheEntry(entry) || !(now < refreshAt(entry))) return undefined;
  return entry.credentials;
}

/** Whether a parsed cache file is an entry as `writeEntry` writes it: when it was issued, and version 1 credentials of strings. */
function isCacheEntry(value: unknown): value is CacheEntry {
  if (typeof value !== "object" || value === null || !("issuedAt" in value) || !("credentials" in value)) return false;
  const { issuedAt, credentials } = value;
  if (typeof issuedAt !== "number" || typeof credentials !== "object" || credentials === null) return false;
  const fields: Record<string, unknown> = { ...credentials };
  return (
    fields.Version === 1 && ["AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"].every((k) => typeof fields[k] === "string")
  );
}

/** Writes an entry readable and writable by the user alone (0600), in a folder only the user may list (0700). */
export function writeEntry(file: string, entry: CacheEntry): void {
  const dir = join(file, "..");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const fd = openSync(temp, "wx", 0o600);
  try {
    writeSync(fd, JSON.stringify(entry));
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}

/** How `cachedCredentials` waits for another call of the same key. */
export interface LockTiming {
  /** Between two looks at the cache while another call issues. @default 50 */
  readonly pollMs?: number;
  /** A lock older than this was left by a call that died; it is broken. @default 30000 */
  readonly staleMs?: number;
  /** The clock. @default Date.now */
  readonly now?: () => number;
}

/**
 * The credentials of `file`'s key: from the cache while fresh, else from `issue`, once. Calls of
 * the same key at the same time, in any process, make one `issue` call: the first takes a lock file
 * (created exclusively), the others wait for the entry it writes.
 */
export async function cachedCredentials(
  file: string,
  issue: () => Promise<CacheEntry>,
  timing: LockTiming = {},
): Promise<ProcessCredentials> {
  const now = timing.now ?? Date.now;
  const lock = `${file}.lock`;
  mkdirSync(join(file, ".."), { recursive: true, mode: 0o700 });
  for (;;) {
    const fresh = readFresh(file, now());
    if (fresh) return fresh;
    if (takeLock(lock, timing.staleMs ?? 30_000)) break;
    await new Promise((resolve) => setTimeout(resolve, timing.pollMs ?? 50));
  }
  try {
    // Another call may have written the entry between our last look and the lock.
    const fresh = readFresh(file, now());
    if (fresh) return fresh;
    const entry = await issue();
    writeEntry(file, entry);
    return entry.credentials;
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Creates the lock file, or breaks it when stale; false while another live call holds it. */
function takeLock(lock: string, staleMs: number): boolean {
  try {
    closeSync(openSync(lock, "wx", 0o600));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  try {
    if (Date.now() - statSync(lock).mtimeMs > staleMs) rmSync(lock, { force: true });
  } catch {
    // Released meanwhile: the next look takes it.
  }
  return false;
}
