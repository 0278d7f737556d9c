import type { VaultProviderConfig } from "@cdktf/provider-vault/lib/provider";
import type { Model } from "./model";
import type { SandboxOptions } from "./sandbox";

/**
 * The Vault provider of every Vault stack. Address and token come from `VAULT_ADDR` and
 * `VAULT_TOKEN` unless the config names an address; a token is never part of the config or of the
 * synthesized files. The sandbox always uses its own Vault dev server, from `VAULT_ADDR`.
 */
export function vaultProviderConfig(model: Model, sandbox?: SandboxOptions): VaultProviderConfig {
  return model.vault.address && !sandbox ? { address: model.vault.address } : {};
}
