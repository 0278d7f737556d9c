import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configuredVaultAddress, vaultAddressProblem } from "../../pipeline/vault-address";

describe("vaultAddressProblem: the config cannot send VAULT_TOKEN elsewhere", () => {
  const configured = "https://vault.example.com:8200";
  test("no vault.address in the config: VAULT_ADDR is used, nothing to refuse", () => {
    expect(vaultAddressProblem(undefined, { VAULT_ADDR: "https://other.example.com" }, false)).toBeUndefined();
  });
  test("the same address, written either way (case, trailing slash), is allowed", () => {
    expect(vaultAddressProblem(configured, { VAULT_ADDR: "HTTPS://Vault.Example.com:8200/" }, false)).toBeUndefined();
  });
  test("another address is refused, naming both and the way out", () => {
    expect(vaultAddressProblem(configured, { VAULT_ADDR: "https://vault.corp.example:8200" }, false)).toBe(
      'the config\'s vault.address "https://vault.example.com:8200" would receive VAULT_TOKEN, but VAULT_ADDR is "https://vault.corp.example:8200": set VAULT_ADDR to that address, or pass --allow-vault-address if sending the token there is intended',
    );
  });
  test("an address with VAULT_ADDR unset is refused too", () => {
    expect(vaultAddressProblem(configured, {}, false)).toMatch(/would receive VAULT_TOKEN, but VAULT_ADDR is not set:/);
  });
  test("--allow-vault-address lets it through", () => {
    expect(vaultAddressProblem(configured, { VAULT_ADDR: "https://vault.corp.example:8200" }, true)).toBeUndefined();
  });
});

describe("configuredVaultAddress reads the vault stack's provider block", () => {
  const dir = mkdtempSync(join(tmpdir(), "vault-address-"));
  const write = (provider: unknown) => {
    mkdirSync(join(dir, "vault"), { recursive: true });
    writeFileSync(join(dir, "vault", "cdk.tf.json"), JSON.stringify({ provider: { vault: [provider] } }));
  };
  test("the address the config named", () => {
    write({ address: "https://vault.example.com" });
    expect(configuredVaultAddress(dir)).toBe("https://vault.example.com");
  });
  test("none when the provider takes VAULT_ADDR", () => {
    write({});
    expect(configuredVaultAddress(dir)).toBeUndefined();
  });
  test("none when there is no vault stack", () => {
    expect(configuredVaultAddress(join(dir, "missing"))).toBeUndefined();
  });
});
