import { parseVaultBody, type VaultBody, vaultErrors } from "../lib/vault-answer";

export { vaultErrors };

/** A Vault HTTP API answer: the status and the parsed body (`{}` when there is none). */
export interface VaultResponse {
  readonly status: number;
  readonly body: VaultBody;
}

/** Thrown when Vault answers a request with an error status. */
export class VaultError extends Error {
  constructor(
    readonly status: number,
    readonly errors: readonly string[],
    what: string,
  ) {
    super(`${what}: HTTP ${status}: ${errors.join("; ") || "no error text"}`);
    this.name = "VaultError";
  }
}

/**
 * The few calls of Vault's HTTP API the sandbox makes, with one token. The token is held in
 * memory; it is never logged, and error messages carry only the path and Vault's own error text.
 */
export class VaultClient {
  constructor(
    readonly address: string,
    readonly token: string,
  ) {}

  /** The same server with another token. */
  withToken(token: string): VaultClient {
    return new VaultClient(this.address, token);
  }

  /** One request; never throws on an HTTP error status (see `write` and `read` for that). */
  async request(method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown): Promise<VaultResponse> {
    const response = await fetch(`${this.address}/v1/${path}`, {
      method,
      headers: { "X-Vault-Token": this.token, ...(body !== undefined && { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: parseVaultBody(text) };
  }

  /** `vault write`: POST, throwing `VaultError` unless Vault answers 2xx. */
  async write(path: string, body: Record<string, unknown> = {}): Promise<VaultBody> {
    return this.ok(await this.request("POST", path, body), `write ${path}`);
  }

  /** `vault read`: GET, throwing `VaultError` unless Vault answers 2xx. */
  async read(path: string): Promise<VaultBody> {
    return this.ok(await this.request("GET", path), `read ${path}`);
  }

  /**
   * A token holding exactly the given policies: without Vault's `default` policy, so it can do
   * what those policies grant and nothing else.
   */
  async createToken(policies: readonly string[], ttl = "1h"): Promise<string> {
    const answer = await this.write("auth/token/create", { policies, no_default_policy: true, ttl, renewable: false });
    const token = answer.auth?.client_token;
    if (typeof token !== "string") throw new Error("write auth/token/create: Vault's answer holds no auth.client_token");
    return token;
  }

  private ok(response: VaultResponse, what: string): VaultBody {
    if (response.status >= 200 && response.status < 300) return response.body;
    throw new VaultError(response.status, vaultErrors(response.body), what);
  }
}
