import type { VaultBody } from "../lib/vault-answer";
import { type VaultResponse, VaultClient, VaultError, vaultErrors } from "../run/vault-client";

/**
 * How a requester retries a Vault call: the policy docs/vault-cluster.md recommends, and the one the
 * cluster tests prove survives a leader change.
 */
export interface RetryPolicy {
  /** Delay before the first retry, in ms; each next one doubles. */
  readonly firstDelayMs: number;
  /** The longest delay between two tries, in ms. */
  readonly maxDelayMs: number;
  /** Give up once this long has passed since the first try, in ms. */
  readonly budgetMs: number;
}

/**
 * Retry for up to 30 s, from 100 ms doubling to at most 2 s between tries, moving to the next
 * node's address on each retry. A leader change on this cluster is over in a few seconds; 30 s also
 * covers Vault's default (slower) Raft timing.
 */
export const RECOMMENDED_RETRY: RetryPolicy = { firstDelayMs: 100, maxDelayMs: 2_000, budgetMs: 30_000 };

/**
 * Whether a failed call is worth another try: no answer at all (the node is down), or an answer a
 * leader change gives. 500 is what a standby answers while it has no active node to forward to
 * ("local node not active but active cluster node not found", vault #20336); 502 and 503 a node
 * that is sealed, starting or standing down; 412 a node that has not yet seen a write the client
 * asked for (`X-Vault-Index`); 429 a rate limit. Anything else (400, 403, 404) fails at once: a
 * retry would get the same answer.
 */
export function isRetryable(status: number | undefined): boolean {
  return status === undefined || status === 412 || status === 429 || status === 500 || status === 502 || status === 503;
}

/** The delay before retry number `retry` (1 for the first retry): doubling from the first delay, capped. */
export function retryDelayMs(policy: RetryPolicy, retry: number): number {
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (retry - 1));
}

/**
 * A Vault client over several node addresses (or one load balancer's) that retries by a
 * `RetryPolicy`, moving to the next address on each retry. STS issuance is safe to retry: a retry
 * that follows a lost answer issues a second, independent set of credentials.
 */
export class RetryingVaultClient {
  private next = 0;

  constructor(
    readonly addresses: readonly string[],
    private readonly token: string,
    readonly policy: RetryPolicy = RECOMMENDED_RETRY,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** `vault write` with retries; throws `VaultError` with the last answer once the budget is spent, or at once if not retryable. */
  async write(path: string, body: Record<string, unknown> = {}): Promise<{ body: VaultBody; retries: number }> {
    const started = Date.now();
    for (let retry = 0; ; retry++) {
      const address = this.addresses[this.next % this.addresses.length];
      let response: VaultResponse | undefined;
      let failure: string;
      try {
        response = await new VaultClient(address, this.token).request("POST", path, body);
        if (response.status >= 200 && response.status < 300) return { body: response.body, retries: retry };
        failure = vaultErrors(response.body).join("; ");
      } catch (error) {
        failure = (error as Error).message;
      }
      const delay = retryDelayMs(this.policy, retry + 1);
      if (!isRetryable(response?.status) || Date.now() - started + delay > this.policy.budgetMs) {
        throw new VaultError(response?.status ?? 0, [failure], `write ${path} through ${address} after ${retry} retries`);
      }
      this.next++;
      await this.sleep(delay);
    }
  }
}
