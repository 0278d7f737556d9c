import { existsSync } from "node:fs";
import { join } from "node:path";
import { readStackJson } from "../run/terraform-json";

/** The flag that lets a run send Vault's token to an address the config names. */
export const ALLOW_VAULT_ADDRESS_FLAG = "--allow-vault-address";

/** An address as a URL compares it: scheme and host lowercased, no trailing slash. */
function normalized(address: string): string {
  try {
    return new URL(address).href.replace(/\/+$/, "");
  } catch {
    return address;
  }
}

/**
 * Why a run must not use the Vault address the config names, or `undefined` when it may. The
 * Vault provider sends `VAULT_TOKEN` to the configured `vault.address` rather than to `VAULT_ADDR`,
 * so a change to the config could send the pipeline's token to a host of its choosing: unless
 * allowed, the configured address must be the one the environment names.
 */
export function vaultAddressProblem(configured: string | undefined, env: NodeJS.ProcessEnv, allowed: boolean): string | undefined {
  if (configured === undefined || allowed) return undefined;
  const fromEnv = env.VAULT_ADDR;
  if (fromEnv !== undefined && normalized(fromEnv) === normalized(configured)) return undefined;
  const what = fromEnv === undefined ? "VAULT_ADDR is not set" : `VAULT_ADDR is ${JSON.stringify(fromEnv)}`;
  return `the config's vault.address ${JSON.stringify(
    configured,
  )} would receive VAULT_TOKEN, but ${what}: set VAULT_ADDR to that address, or pass ${ALLOW_VAULT_ADDRESS_FLAG} if sending the token there is intended`;
}

/** The Vault address a synthesized (or planned) vault stack's provider names, if any. */
export function configuredVaultAddress(stacksDir: string): string | undefined {
  const dir = join(stacksDir, "vault");
  if (!existsSync(join(dir, "cdk.tf.json"))) return undefined;
  const stack = readStackJson(dir);
  return (stack.provider?.vault ?? []).map((p) => p.address).find((a): a is string => typeof a === "string");
}
