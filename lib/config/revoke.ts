import { closest } from "fastest-levenshtein";
import { isAlias, isMap, isScalar, parseDocument, type YAMLMap } from "yaml";
import { accountStackName, targetKey, vaultRoleName } from "../names";
import { parseConfig } from "./load";
import { RFC3339 } from "./schema";

/** One role a revoke applies to. */
export interface RevokedRole {
  readonly account: string;
  readonly role: string;
  /** Where the time was written, e.g. `accounts[1] (dev).roles[0]`. */
  readonly where: string;
  readonly stack: string;
}

/** The edited config and what it revokes. */
export interface Revocation {
  readonly text: string;
  readonly roles: readonly RevokedRole[];
}

/** A revoke that cannot be written, with why. */
export class RevokeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RevokeError";
  }
}

/**
 * Sets `revokeSessionsIssuedBefore: <at>` on the roles `target` names, in the text of the accounts
 * file, keeping its comments and formatting, and validates the result as synth would. `target` is
 * `<account>/<role>`, a Vault role `<account>-<role>`, or a `vaultRoles[].name` (every role it
 * hands out). A role that comes from a role set is refused: its set is shared by other accounts.
 */
export function revokeInConfig(text: string, file: string, target: string, at: string): Revocation {
  // Checked before it is written into the text: a time holding a line break could add any field.
  const time = RFC3339.safeParse(at);
  if (!time.success) throw new RevokeError(`--at ${JSON.stringify(at)}: ${time.error.issues[0].message}; nothing was written`);
  const config = parseConfig(text, file);
  const doc = parseDocument(text);
  const keys = targetsOf(config, target);
  const roles: RevokedRole[] = [];
  const splices: Splice[] = [];
  const edited = new Set<unknown>();
  for (const key of keys) {
    const [accountName, roleName] = key.split("/");
    const a = config.accounts.findIndex((account) => account.name === accountName);
    const account = config.accounts[a];
    const fromSets = new Set(account.roleSets.flatMap((set) => config.roleSets[set] ?? []));
    const own = account.roles.filter((role) => !fromSets.has(role));
    const r = own.findIndex((role) => role.name === roleName);
    if (r < 0) {
      const set = account.roleSets.find((name) => (config.roleSets[name] ?? []).some((role) => role.name === roleName))!;
      const takers = config.accounts.filter((other) => other.roleSets.includes(set)).length;
      throw new RevokeError(
        `${key} comes from role set "${set}", which ${takers} account${takers === 1 ? "" : "s"} take: writing the revoke there would revoke the role in all of them. ` +
          `To revoke it everywhere, add revokeSessionsIssuedBefore: ${at} to that role under roleSets.${set} yourself; nothing was written`,
      );
    }
    // A role written as an alias (`- *role`) is edited where its anchor is; the check below sees where else that reaches.
    const given = doc.getIn(["accounts", a, "roles", r], true);
    const node = isAlias(given) ? given.resolve(doc) : given;
    // Two targets that are one node (an anchor and its alias, both asked for) get one edit.
    if (!edited.has(node)) splices.push(setKey(text, node, KEY, at));
    edited.add(node);
    roles.push({
      account: accountName,
      role: roleName,
      where: `accounts[${a}] (${accountName}).roles[${r}]`,
      stack: accountStackName(accountName),
    });
  }
  // Spliced into the text, last first, so everything else stays byte for byte as written.
  let result = text;
  for (const { start, end, insert } of splices.sort((x, y) => y.start - x.start))
    result = result.slice(0, start) + insert + result.slice(end);
  const after = parseConfig(result, file); // the result must be a valid config, or nothing is written
  // A role (or a list of roles, or an account) shared through a YAML anchor is one node: the time
  // written there reaches every place it is used. Only the roles asked for may change.
  const asked = new Set(keys);
  const reached = after.accounts.flatMap((account, i) =>
    account.roles.filter((role, j) => role[KEY] !== config.accounts[i].roles[j]?.[KEY]).map((role) => targetKey(account.name, role.name)),
  );
  const beyond = reached.filter((key) => !asked.has(key));
  if (beyond.length > 0) {
    throw new RevokeError(
      `${keys.join(", ")} ${keys.length === 1 ? "is" : "are"} shared through a YAML anchor (&name … *name): writing the revoke there would also revoke ${beyond.join(", ")}. ` +
        `Revoke all of them with a vaultRoles name that lists them, or write revokeSessionsIssuedBefore: ${at} where the anchor is defined yourself and apply ${[...new Set(reached.map((key) => accountStackName(key.split("/")[0])))].join(", ")}; nothing was written`,
    );
  }
  return { text: result, roles };
}

/** The `<account>/<role>` keys a `--role` value names, or a `RevokeError` listing the closest names. */
function targetsOf(config: ReturnType<typeof parseConfig>, target: string): string[] {
  const byKey = new Map(
    config.accounts.flatMap((account) =>
      account.roles.map((role) => [targetKey(account.name, role.name), targetKey(account.name, role.name)] as const),
    ),
  );
  if (byKey.has(target)) return [target];
  const byVaultName = new Map(
    config.accounts.flatMap((account) =>
      account.roles.map((role) => [vaultRoleName(account.name, role.name), targetKey(account.name, role.name)] as const),
    ),
  );
  if (byVaultName.has(target)) return [byVaultName.get(target)!];
  const spanning = config.vaultRoles.find((vaultRole) => vaultRole.name === target);
  if (spanning) return [...spanning.targets];
  const names = [...byKey.keys(), ...byVaultName.keys(), ...config.vaultRoles.map((v) => v.name)];
  throw new RevokeError(
    `--role ${target} names no role: use <account>/<role>, a Vault role such as ${[...byVaultName.keys()][0] ?? "dev-readonly"}, or a vaultRoles name; did you mean "${closest(target, names)}"?`,
  );
}

const KEY = "revokeSessionsIssuedBefore";

/** Replace `text[start, end)` with `insert`. */
interface Splice {
  readonly start: number;
  readonly end: number;
  readonly insert: string;
}

/**
 * The text edit that sets `key: value` in a YAML map node without touching anything else: the
 * value replaced if the key is there; else, in a flow map (`{ name: x }`), `, key: value` after
 * its last entry; in a block map, a new line at its keys' indentation after its last entry's line.
 */
function setKey(text: string, node: unknown, key: string, value: string): Splice {
  if (!isMap(node) || !node.range) throw new RevokeError(`cannot edit this role: it is not a YAML mapping`);
  const map = node as YAMLMap;
  const existing = map.items.find((pair) => isScalar(pair.key) && pair.key.value === key);
  if (existing && isScalar(existing.value) && existing.value.range) {
    return { start: existing.value.range[0], end: existing.value.range[1], insert: value };
  }
  const last = map.items.at(-1);
  const lastEnd =
    (last?.value as { range?: [number, number, number] } | null)?.range?.[1] ??
    (last?.key as { range?: [number, number, number] }).range![1];
  if (map.flow) return { start: lastEnd, end: lastEnd, insert: `, ${key}: ${value}` };
  const firstKeyStart = (map.items[0].key as { range: [number, number, number] }).range[0];
  const indent = firstKeyStart - (text.lastIndexOf("\n", firstKeyStart - 1) + 1);
  const lineEnd = text.indexOf("\n", lastEnd);
  const at = lineEnd < 0 ? text.length : lineEnd;
  return { start: at, end: at, insert: `\n${" ".repeat(indent)}${key}: ${value}` };
}
