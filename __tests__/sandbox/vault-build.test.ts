import { appendFileSync, cpSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MissingToolError } from "../../sandbox/tools";
import { buildKey, cachedBinaryPath, ensureVault, pinnedVaultVersion, VAULT_MODULE_DIR } from "../../sandbox/vault-build";

describe("the Vault build's cache key", () => {
  test("is the pinned version plus a hash of the pinning files, under the cache folder", () => {
    expect(pinnedVaultVersion()).toBe("v1.21.0");
    expect(cachedBinaryPath({ VAULT_AWS_CACHE: "/cache" })).toBe(`/cache/vault-v1.21.0-${buildKey()}/vault`);
    expect(cachedBinaryPath({ XDG_CACHE_HOME: "/xdg" })).toBe(`/xdg/vault-aws/vault-v1.21.0-${buildKey()}/vault`);
  });
  test("changes when go.sum changes, so a new pin is never served an old build", () => {
    const copy = mkdtempSync(join(tmpdir(), "vama-vault-module-"));
    cpSync(VAULT_MODULE_DIR, copy, { recursive: true });
    expect(buildKey(copy)).toBe(buildKey());
    appendFileSync(join(copy, "go.sum"), "example.com/x v1.0.0 h1:AAAA=\n");
    expect(buildKey(copy)).not.toBe(buildKey());
  });
});

describe("ensureVault", () => {
  const emptyCache = () => mkdtempSync(join(tmpdir(), "vama-vault-cache-"));
  test("without a cached build and without Go, says what is missing and how to get it, before building anything", async () => {
    const cache = emptyCache();
    const attempt = ensureVault(() => undefined, { VAULT_AWS_CACHE: cache, PATH: "/nonexistent" });
    await expect(attempt).rejects.toBeInstanceOf(MissingToolError);
    await expect(attempt).rejects.toThrow(
      "the sandbox builds Vault from Go modules and needs the Go toolchain (1.25 or later), which is not on the PATH: install it from https://go.dev/dl/, or set VAULT_BINARY to a Vault 1.17.2+ binary you already have",
    );
    expect(readdirSync(cache)).toEqual([]);
  });
  test("VAULT_BINARY names a Vault to use instead; a missing file is refused", async () => {
    await expect(ensureVault(() => undefined, { VAULT_BINARY: "/nonexistent/vault" })).rejects.toThrow(
      "VAULT_BINARY=/nonexistent/vault does not exist",
    );
    expect(await ensureVault(() => undefined, { VAULT_BINARY: process.execPath })).toMatchObject({
      binary: process.execPath,
      source: "env",
    });
  });
});
