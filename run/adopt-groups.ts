import { isJsonObject } from "../lib/json";
import { StackFailure, terraform } from "./runner";
import { readStackJson, type StackJson, type TerraformValues } from "./terraform-json";
import type { VaultClient } from "./vault-client";

/** The `managed_by` metadata every identity group of this product carries (see `RequesterBinding`). */
export const MANAGED_BY = "vault-aws-multi-account";

/** An identity group of a stack's config, with its alias, that the stack's state does not hold. */
export interface UnrecordedGroup {
  /** Terraform address of the `vault_identity_group`. */
  readonly groupAddress: string;
  readonly groupName: string;
  /** Terraform address of its `vault_identity_group_alias`, when the state does not hold that either. */
  readonly aliasAddress?: string;
  /** The alias's name (the external group's name). */
  readonly aliasName?: string;
}

/**
 * The identity groups (and their aliases) that a synthesized stack (`cdk.tf.json`, parsed) declares
 * and its state (`terraform state list`) does not hold: what a create whose answer was lost leaves
 * behind. The pure half of `adoptUnrecordedGroups`.
 */
export function unrecordedGroups(stackJson: StackJson, stateAddresses: readonly string[]): UnrecordedGroup[] {
  const inState = new Set(stateAddresses);
  const groups: Record<string, TerraformValues> = stackJson.resource?.vault_identity_group ?? {};
  const aliases: Record<string, TerraformValues> = stackJson.resource?.vault_identity_group_alias ?? {};
  const result: UnrecordedGroup[] = [];
  for (const [key, group] of Object.entries(groups)) {
    const groupAddress = `vault_identity_group.${key}`;
    const aliasEntry = Object.entries(aliases).find(([, alias]) => alias.canonical_id === `\${${groupAddress}.id}`);
    const aliasAddress = aliasEntry && `vault_identity_group_alias.${aliasEntry[0]}`;
    const aliasMissing = aliasAddress !== undefined && !inState.has(aliasAddress);
    if (inState.has(groupAddress) && !aliasMissing) continue;
    result.push({
      groupAddress,
      groupName: String(group.name),
      ...(aliasMissing && { aliasAddress, aliasName: String(aliasEntry![1].name) }),
    });
  }
  return result;
}

/** What `adoptUnrecordedGroups` needs. */
export interface AdoptGroupsOptions {
  readonly stackName: string;
  /** The stack's folder, initialized (`ensureInit`). */
  readonly dir: string;
  /** Terraform's environment, with the Vault address and token the stack applies with. */
  readonly env: NodeJS.ProcessEnv;
  /** The same Vault, to look the groups up by name. */
  readonly vault: VaultClient;
  readonly log: (line: string) => void;
}

/**
 * Imports into a stack's state each identity group, and its alias, that Vault holds but the state
 * does not: a group this product created (its `managed_by` metadata) whose create Terraform never
 * recorded. That happens when Vault commits the write and the answer is lost, as when the active
 * node dies mid-apply: the provider then refuses to create the group again ("group already exists"),
 * and every later apply fails. Importing is safe: the group bears the name the config gives it, and
 * the apply that follows corrects anything else. Returns the addresses imported.
 */
export async function adoptUnrecordedGroups(options: AdoptGroupsOptions): Promise<string[]> {
  const { stackName, dir, env, vault, log } = options;
  const list = await terraform(dir, ["state", "list"], env);
  // A stack never applied has no state yet, and nothing to adopt.
  if (list.code !== 0 && list.output.includes("No state file was found")) return [];
  if (list.code !== 0) throw new StackFailure(stackName, list.output, "terraform state list");
  const addresses = list.output.split("\n").map((line) => line.trim());
  const stackJson = readStackJson(dir);
  const imported: string[] = [];
  const importOne = async (address: string, id: string) => {
    const result = await terraform(dir, ["import", "-input=false", address, id], env);
    if (result.code !== 0) throw new StackFailure(stackName, result.output, `terraform import ${address}`);
    log(`[${stackName}] adopted ${address} (${id}): in Vault, not in state`);
    imported.push(address);
  };
  for (const missing of unrecordedGroups(stackJson, addresses)) {
    const found = await vault.request("GET", `identity/group/name/${encodeURIComponent(missing.groupName)}`);
    const group = found.status === 200 ? found.body.data : undefined;
    if (!group || !isJsonObject(group.metadata) || group.metadata.managed_by !== MANAGED_BY) continue;
    if (!addresses.includes(missing.groupAddress)) await importOne(missing.groupAddress, String(group.id));
    const alias = isJsonObject(group.alias) ? group.alias : undefined;
    if (missing.aliasAddress && typeof alias?.id === "string" && alias.id && alias.name === missing.aliasName)
      await importOne(missing.aliasAddress, alias.id);
  }
  return imported;
}
