import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type CacheEntry,
  type CacheKey,
  cacheFile,
  cachedCredentials,
  readFresh,
  refreshAt,
  REFRESH_WINDOW_MS,
  writeEntry,
} from "../../lib/credentials/cache";
import { parseCredentialsArgs } from "../../lib/credentials/request";

const MINUTE = 60_000;
const T0 = Date.parse("2026-12-07T10:00:00Z");
/** An entry issued at `issuedAt` that lives `lifeMinutes`. */
const entry = (issuedAt: number, lifeMinutes: number, id = "ASIA1"): CacheEntry => ({
  issuedAt,
  credentials: {
    Version: 1,
    AccessKeyId: id,
    SecretAccessKey: "s",
    SessionToken: "t",
    Expiration: new Date(issuedAt + lifeMinutes * MINUTE).toISOString(),
  },
});
const key: CacheKey = { address: "http://127.0.0.1:8200", token: "hvs.secret-token", mount: "aws", role: "dev-ec2-admin" };
const dir = () => join(mkdtempSync(join(tmpdir(), "vama-cache-")), "credentials");

describe("the refresh window", () => {
  test("an hour's credentials are served until 15 minutes before they expire", () => {
    expect(refreshAt(entry(T0, 60))).toBe(T0 + 45 * MINUTE);
  });
  test("credentials of 15 minutes are served for half their life, not refreshed at once", () => {
    expect(refreshAt(entry(T0, 15))).toBe(T0 + 7.5 * MINUTE);
  });
  test("readFresh serves before the refresh time and not at or after it", () => {
    const file = join(dir(), "k.json");
    writeEntry(file, entry(T0, 60));
    expect(readFresh(file, T0 + 45 * MINUTE - 1)?.AccessKeyId).toBe("ASIA1");
    expect(readFresh(file, T0 + 45 * MINUTE)).toBeUndefined();
    expect(readFresh(file, T0 + 61 * MINUTE)).toBeUndefined();
    expect(REFRESH_WINDOW_MS).toBe(15 * MINUTE);
  });
  test("a missing, unreadable or foreign file is a miss", () => {
    const d = dir();
    expect(readFresh(join(d, "none.json"), T0)).toBeUndefined();
    writeEntry(join(d, "x.json"), entry(T0, 60));
    writeFileSync(join(d, "x.json"), "{not json");
    expect(readFresh(join(d, "x.json"), T0)).toBeUndefined();
    writeFileSync(join(d, "x.json"), JSON.stringify({ issuedAt: T0, credentials: { Version: 2 } }));
    expect(readFresh(join(d, "x.json"), T0)).toBeUndefined();
  });
});

describe("the cache file", () => {
  test("is 0600 in a folder of 0700, and holds neither the token nor the key's parts in its name", () => {
    const d = dir();
    const file = cacheFile(d, key);
    writeEntry(file, entry(T0, 60));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(d).mode & 0o777).toBe(0o700);
    expect(file).not.toMatch(/dev-ec2-admin|secret-token|8200/);
    expect(readFileSync(file, "utf8")).not.toContain("hvs.secret-token");
  });
  test("differs for every part of the key: Vault, token, namespace, mount, role, ARN, TTL", () => {
    const d = "/c";
    const variants: CacheKey[] = [
      key,
      { ...key, address: "https://vault.example.com" },
      { ...key, token: "hvs.other" },
      { ...key, namespace: "team-a" },
      { ...key, mount: "aws-prod" },
      { ...key, role: "prod-ec2-admin" },
      { ...key, roleArn: "arn:aws:iam::222222222222:role/ec2-admin" },
      { ...key, ttl: "15m" },
    ];
    expect(new Set(variants.map((k) => cacheFile(d, k))).size).toBe(variants.length);
    expect(cacheFile(d, { ...key })).toBe(cacheFile(d, key));
  });
});

describe("cachedCredentials", () => {
  test("issues on a miss, then serves the entry until its refresh time, then issues again", async () => {
    const file = cacheFile(dir(), key);
    let clock = T0;
    let issued = 0;
    const issue = async () => entry(clock, 60, `ASIA${++issued}`);
    const get = () => cachedCredentials(file, issue, { now: () => clock });
    expect((await get()).AccessKeyId).toBe("ASIA1");
    clock = T0 + 44 * MINUTE;
    expect((await get()).AccessKeyId).toBe("ASIA1");
    clock = T0 + 46 * MINUTE;
    expect((await get()).AccessKeyId).toBe("ASIA2");
    expect(issued).toBe(2);
  });
  test("ten calls of one key at the same time make one issuance, and all get its credentials", async () => {
    const d = dir();
    const file = cacheFile(d, key);
    let issued = 0;
    const issue = async () => {
      issued++;
      await new Promise((r) => setTimeout(r, 200));
      return entry(Date.now(), 60, `ASIA${issued}`);
    };
    const all = await Promise.all(Array.from({ length: 10 }, () => cachedCredentials(file, issue, { pollMs: 10 })));
    expect(issued).toBe(1);
    expect(new Set(all.map((c) => c.AccessKeyId))).toEqual(new Set(["ASIA1"]));
    expect(readdirSync(d).filter((f) => f.endsWith(".lock") || f.endsWith(".tmp"))).toEqual([]);
  });
  test("a failed issuance releases the lock and writes nothing; the next call issues", async () => {
    const file = cacheFile(dir(), key);
    await expect(cachedCredentials(file, async () => Promise.reject(new Error("403")))).rejects.toThrow("403");
    expect(readFresh(file, Date.now())).toBeUndefined();
    expect((await cachedCredentials(file, async () => entry(Date.now(), 60, "ASIA9"))).AccessKeyId).toBe("ASIA9");
  });
  test("a lock left by a call that died is broken once stale", async () => {
    const file = cacheFile(dir(), key);
    writeEntry(file, entry(Date.now() - 120 * MINUTE, 60)); // expired, and creates the folder
    writeFileSync(`${file}.lock`, "");
    const got = await cachedCredentials(file, async () => entry(Date.now(), 60, "ASIA7"), { pollMs: 10, staleMs: 100 });
    expect(got.AccessKeyId).toBe("ASIA7");
  });
});

describe("the credentials command line the fast path reads", () => {
  test("--flag value and --flag=value", () => {
    expect(parseCredentialsArgs(["--role", "dev-ec2-admin", "--role-arn=arn:aws:iam::1:role/x", "--ttl", "15m"])).toEqual({
      role: "dev-ec2-admin",
      roleArn: "arn:aws:iam::1:role/x",
      ttl: "15m",
    });
  });
  test("anything else goes to the whole program: help, unknown flags, a missing value or role, a flag twice", () => {
    for (const args of [["--help"], ["--role", "a", "--json"], ["--role"], ["--ttl", "1h"], ["--role", "a", "--role", "b"], ["--role="]]) {
      expect([args, parseCredentialsArgs(args)]).toEqual([args, undefined]);
    }
  });
});
