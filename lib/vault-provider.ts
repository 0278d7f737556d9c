import type { VaultProviderConfig } from "@cdktf/provider-vault/lib/provider";
import type { Model } from "./model";
import type { SandboxOptions } from "./sandbox";

/**
 * How many times the Vault provider retries a request that got no answer, a 5xx or a 412, 1 to
 * 1.5 s apart (Vault's Go client): 10, about 10 to 15 s. The provider's default of 2 (about 3 s) is
 * shorter than a leader change: a standby redirects writes to the active node it knew, and until
 * another node is active each retry meets the dead one ("connection refused"), so the apply fails.
 * See docs/vault-cluster.md ("Retries: what to configure").
 */
export const VAULT_PROVIDER_MAX_RETRIES = 10;

/**
 * The Vault provider of every Vault stack. Address and token come from `VAULT_ADDR` and
 * `VAULT_TOKEN` unless the config names an address; a token is never part of the config or of the
 * synthesized files. The sandbox always uses its own Vault dev server, from `VAULT_ADDR`. Retries
 * outlast a leader change (`VAULT_PROVIDER_MAX_RETRIES`).
 */
export function vaultProviderConfig(model: Model, sandbox?: SandboxOptions): VaultProviderConfig {
  const address = model.vault.address && !sandbox ? { address: model.vault.address } : {};
  return { ...address, maxRetries: VAULT_PROVIDER_MAX_RETRIES };
}
