import type { Model } from "../lib/model";
import { isJsonObject, type JsonObject } from "../lib/json";
import type { VaultClient } from "../run/vault-client";

/**
 * What one config owns in Vault, by name, sorted: its STS roles, its requester policies, its
 * identity groups and their aliases (`<group> <- <external group>`). Compared with `expectedInventory`,
 * an extra entry is an orphan or a double, a missing one a loss.
 */
export interface VaultInventory {
  readonly roles: readonly string[];
  readonly policies: readonly string[];
  readonly groups: readonly string[];
  readonly aliases: readonly string[];
}

/**
 * The inventory the config describes. Its ACL policies are the roles stacks' shard policies (one
 * per roles stack and requester group granted a role there), and with `keepLegacyLayout` each
 * group's whole policy too: the names a group carries for empty shards name no policy.
 */
export function expectedInventory(model: Model): VaultInventory {
  const bindings = model.requesterPolicies.flatMap((p) => p.bindings);
  const legacy = model.vault.keepLegacyLayout ? model.requesterPolicies.map((p) => p.name) : [];
  return {
    roles: model.vaultRoles.map((r) => r.name).sort(),
    policies: [...legacy, ...model.shardPolicies.map((p) => p.name)].sort(),
    groups: bindings.map((b) => b.identityGroupName).sort(),
    aliases: bindings.map((b) => `${b.identityGroupName} <- ${b.externalGroup}`).sort(),
  };
}

/**
 * The inventory as one node answers it: every role under the config's mount, and every policy and
 * identity group whose name starts with `<mount>-` (requester policies are `<mount>-<requester>`
 * or `<mount>-<requester>.<stack>`, and their groups start with `<mount>-<requester>`), with every alias pointing at one of those groups.
 */
export async function readInventory(client: VaultClient, model: Model): Promise<VaultInventory> {
  const prefix = `${model.vault.mount}-`;
  const list = async (path: string): Promise<JsonObject> => {
    const answer = await client.request("GET", `${path}?list=true`);
    if (answer.status === 404) return { keys: [], key_info: {} };
    if (answer.status !== 200) throw new Error(`list ${path} through ${client.address}: HTTP ${answer.status}`);
    if (!answer.body.data) throw new Error(`list ${path} through ${client.address}: Vault's answer holds no data`);
    return answer.body.data;
  };
  const keys = async (path: string): Promise<string[]> => {
    const listed = (await list(path)).keys;
    if (!Array.isArray(listed)) throw new Error(`list ${path} through ${client.address}: Vault's answer holds no keys`);
    return listed.map(String);
  };
  /** `key_info` of a list, by id: the entries of the shape the inventory reads. */
  const keyInfo = async <T>(path: string, is: (entry: unknown) => entry is T): Promise<Record<string, T>> => {
    const info = (await list(path)).key_info;
    return Object.fromEntries(Object.entries(isJsonObject(info) ? info : {}).filter((entry): entry is [string, T] => is(entry[1])));
  };
  const groupsById = await keyInfo("identity/group/id", isNamed);
  const aliases = await keyInfo("identity/group-alias/id", isAlias);
  const ours = (name: string) => name.startsWith(prefix);
  return {
    roles: (await keys(`${model.vault.mount}/roles`)).sort(),
    policies: (await keys("sys/policies/acl")).filter(ours).sort(),
    groups: Object.values(groupsById)
      .map((g) => g.name)
      .filter(ours)
      .sort(),
    aliases: Object.values(aliases)
      .map((a) => `${groupsById[a.canonical_id]?.name ?? `(no group ${a.canonical_id})`} <- ${a.name}`)
      // An alias whose group is gone is an orphan whoever made it: listed too.
      .filter((alias) => ours(alias) || alias.startsWith("(no group "))
      .sort(),
  };
}

/** An entry of `key_info` in a list of identity groups: its name. */
interface Named {
  readonly name: string;
}

/** An entry of `key_info` in a list of group aliases: its name and its group's id. */
interface Alias extends Named {
  readonly canonical_id: string;
}

function isNamed(entry: unknown): entry is Named {
  return isJsonObject(entry) && typeof entry.name === "string";
}

function isAlias(entry: unknown): entry is Alias {
  return isJsonObject(entry) && typeof entry.name === "string" && typeof entry.canonical_id === "string";
}
