import { parseVaultBodyOrText, saysInvalidToken, type VaultBody, vaultErrors } from "../vault-answer";
import type { CacheEntry, CacheKey } from "./cache";
import { CREDENTIALS_EXIT, CredentialsError, tokenExpiredError } from "./errors";

/** One `vault write <mount>/sts/<role>` on behalf of the engineer: what the cache keys on, and where a denial's message looks. */
export interface IssueRequest extends CacheKey {
  /**
   * The requester groups that may get `role`, when the accounts file is at hand, for the message of a denial.
   * @default - the message names no group
   */
  readonly whoMay?: (role: string) => Promise<readonly string[] | undefined>;
}

/** Where a call goes and as whom: the Vault address, the token, and the namespace if any. */
export type VaultTarget = Pick<CacheKey, "address" | "token" | "namespace">;

/**
 * Vault's answer to one HTTP call on the engineer's behalf, its body parsed (or its text as the one
 * error), or a `CredentialsError` (unreachable) when Vault did not answer.
 */
export async function vaultCall(
  request: VaultTarget,
  method: "GET" | "POST",
  path: string,
  body?: unknown,
): Promise<{ status: number; body: VaultBody }> {
  let response: Response;
  try {
    response = await fetch(`${request.address}/v1/${path}`, {
      method,
      headers: {
        "X-Vault-Token": request.token,
        ...(request.namespace && { "X-Vault-Namespace": request.namespace }),
        ...(body !== undefined && { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new CredentialsError(
      CREDENTIALS_EXIT.unreachable,
      `Vault at ${request.address} did not answer (${why}): check VAULT_ADDR and your network or VPN`,
    );
  }
  return { status: response.status, body: parseVaultBodyOrText(await response.text()) };
}

/**
 * Asks Vault for STS credentials and returns them as a cache entry, or throws a `CredentialsError`
 * whose message says what went wrong and what to do, in one line.
 */
export async function issueCredentials(request: IssueRequest, now: () => number = Date.now): Promise<CacheEntry> {
  const path = `${request.mount.split("/").map(encodeURIComponent).join("/")}/sts/${encodeURIComponent(request.role)}`;
  const issuedAt = now();
  const answer = await vaultCall(request, "POST", path, {
    ...(request.ttl && { ttl: request.ttl }),
    ...(request.roleArn && { role_arn: request.roleArn }),
  });
  const data = answer.body.data;
  if (
    answer.status === 200 &&
    typeof data?.access_key === "string" &&
    data.access_key &&
    typeof data.secret_key === "string" &&
    data.secret_key
  ) {
    const leaseSeconds = Number(answer.body.lease_duration ?? data.ttl ?? 0);
    const sessionToken = data.security_token ?? data.session_token;
    return {
      issuedAt,
      credentials: {
        Version: 1,
        AccessKeyId: data.access_key,
        SecretAccessKey: data.secret_key,
        SessionToken: typeof sessionToken === "string" ? sessionToken : "",
        Expiration: new Date(issuedAt + leaseSeconds * 1000).toISOString(),
      },
    };
  }
  const vaultSays = vaultErrors(answer.body).join("; ").replace(/\s+/g, " ").trim() || `HTTP ${answer.status}`;
  if (answer.status === 403) {
    // Vault answers 403 for a token it does not know too, and says so ("invalid token", Vault 1.17+).
    // Asking the token to look itself up cannot tell: a token made without Vault's default policy,
    // which grants the lookup, is refused it as well.
    if (saysInvalidToken(answer.body)) {
      throw tokenExpiredError(request.address);
    }
    const groups = await request.whoMay?.(request.role);
    const who =
      groups === undefined
        ? ""
        : groups.length === 0
          ? "; no requester group may get it"
          : `; requester groups that may get it: ${groups.join(", ")}`;
    throw new CredentialsError(
      CREDENTIALS_EXIT.denied,
      `your Vault token may not get credentials for Vault role ${request.role}${request.roleArn ? ` (${request.roleArn})` : ""}${who}`,
    );
  }
  if (answer.status === 400 && request.roleArn === undefined && /role_arn|role arn/i.test(vaultSays)) {
    throw new CredentialsError(
      CREDENTIALS_EXIT.roleArnNeeded,
      `Vault role ${request.role} spans several role ARNs: choose one with --role-arn (Vault says: ${vaultSays})`,
    );
  }
  throw new CredentialsError(CREDENTIALS_EXIT.failure, `Vault refused credentials for ${request.role}: ${vaultSays}`);
}
