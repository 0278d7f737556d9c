import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { isRetryable, RECOMMENDED_RETRY, retryDelayMs, RetryingVaultClient } from "../../sandbox/vault-retry";
import { VaultError } from "../../run/vault-client";

describe("isRetryable", () => {
  test.each([undefined, 412, 429, 500, 502, 503])("retries %s (no answer, or what a leader change answers)", (status) => {
    expect(isRetryable(status)).toBe(true);
  });
  test.each([400, 403, 404, 405])("fails at once on %s: a retry would get the same answer", (status) => {
    expect(isRetryable(status)).toBe(false);
  });
});

describe("retryDelayMs", () => {
  test("doubles from the first delay and stops at the cap", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryDelayMs(RECOMMENDED_RETRY, n))).toEqual([100, 200, 400, 800, 1600, 2000, 2000]);
  });
});

describe("RetryingVaultClient", () => {
  /** A fake node answering with the given statuses in turn, recording what it was asked. */
  function node(statuses: number[]): Promise<{ server: Server; address: string; hits: string[] }> {
    const hits: string[] = [];
    const server = createServer((request, response) => {
      hits.push(`${request.method} ${request.url} ${String(request.headers["x-vault-token"])}`);
      const status = statuses.shift() ?? 200;
      response.writeHead(status, { "Content-Type": "application/json" });
      response.end(JSON.stringify(status === 200 ? { data: { access_key: "AKIA" } } : { errors: [`status ${status}`] }));
    });
    return new Promise((resolve) =>
      server.listen(0, "127.0.0.1", () => resolve({ server, address: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits })),
    );
  }
  const servers: Server[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));
  const noSleep = async () => undefined;

  test("moves to the next address after a 500 and returns the answer with the retry count", async () => {
    const a = await node([500]);
    const b = await node([]);
    servers.push(a.server, b.server);
    const client = new RetryingVaultClient([a.address, b.address], "t0k", RECOMMENDED_RETRY, noSleep);
    await expect(client.write("aws/sts/x", { ttl: "900s" })).resolves.toEqual({ body: { data: { access_key: "AKIA" } }, retries: 1 });
    expect(a.hits).toEqual(["POST /v1/aws/sts/x t0k"]);
    expect(b.hits).toEqual(["POST /v1/aws/sts/x t0k"]);
  });
  test("retries a node that does not answer at all", async () => {
    const b = await node([]);
    servers.push(b.server);
    const client = new RetryingVaultClient(["http://127.0.0.1:1", b.address], "t", RECOMMENDED_RETRY, noSleep);
    expect((await client.write("p")).retries).toBe(1);
  });
  test("a 403 fails at once, naming the path, the address and Vault's error", async () => {
    const a = await node([403]);
    servers.push(a.server);
    const client = new RetryingVaultClient([a.address], "t", RECOMMENDED_RETRY, noSleep);
    const failure = await client.write("aws/sts/x").catch((e) => e);
    expect(failure).toBeInstanceOf(VaultError);
    expect(failure.message).toBe(`write aws/sts/x through ${a.address} after 0 retries: HTTP 403: status 403`);
    expect(a.hits).toHaveLength(1);
  });
  test("gives up once the next delay would pass the budget", async () => {
    const a = await node([503, 503, 503, 503, 503]);
    servers.push(a.server);
    const slept: number[] = [];
    const client = new RetryingVaultClient(
      [a.address],
      "t",
      { firstDelayMs: 100, maxDelayMs: 1000, budgetMs: 350 },
      async (ms) => void slept.push(ms),
    );
    const failure = await client.write("p").catch((e) => e);
    // No time passes here except the delays the policy asks for; 100 + 200 fit in 350 ms, + 400 does not.
    expect(slept).toEqual([100, 200]);
    expect(failure.message).toMatch(/after 2 retries: HTTP 503: status 503$/);
  });
});
