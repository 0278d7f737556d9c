import { closest } from "fastest-levenshtein";
import type { z } from "zod";
import { formatDuration, ROLE_CHAINING_MAX_SECONDS } from "../duration";
import { REQUESTER_NAME, targetKey, vaultRoleName } from "../names";
import { MANAGED_POLICY_SNAPSHOT, unknownManagedPolicy } from "../policy/managed-policies";
import { roleTtls, vaultRoleTtls } from "../ttl";
import { formatPath as where } from "./path";
import { expandTarget, isSelector, type SourcedRole, sourcedRoles, TARGET } from "./role-sets";
import type { WrittenConfig as AccountsConfig } from "./schema";

type Path = (string | number)[];

/** How the regions of each partition are named. */
const REGION_PREFIX: Record<string, string> = { "aws-cn": "cn-", "aws-us-gov": "us-gov-" };

/** The partition a region belongs to. */
function partitionOf(region: string): string {
  return Object.keys(REGION_PREFIX).find((partition) => region.startsWith(REGION_PREFIX[partition])) ?? "aws";
}

/**
 * The checks that look across fields: uniqueness, references between sections, names that collide
 * once joined, and TTLs that must fit the roles they are minted from. Each issue points at the field
 * to fix.
 */
export function checkReferences(config: AccountsConfig, ctx: z.RefinementCtx): void {
  // A role set's problem is found once per account that uses it, and reported once.
  const reported = new Set<string>();
  const fail = (path: Path, message: string) => {
    const key = `${where(path)}\0${message}`;
    if (reported.has(key)) return;
    reported.add(key);
    ctx.addIssue({ code: "custom", path, message });
  };

  if (config.pipeline && !config.accounts.some((a) => a.name === config.pipeline!.account)) {
    fail(
      ["pipeline", "account"],
      `"${config.pipeline.account}" is not an account of this file: name the hub account the pipeline's roles live in, one of ${config.accounts.map((a) => a.name).join(", ")}`,
    );
  }
  firstSeen(
    config.accounts.map((a, i) => [a.name, ["accounts", i, "name"]]),
    (path, first, name) => fail(path, `"${name}" is already the name of ${where(first.slice(0, 2))}: account names must be unique`),
  );
  firstSeen(
    config.accounts.map((a, i) => [a.id, ["accounts", i, "id"]]),
    (path, first, id) => fail(path, `"${id}" is already the id of ${where(first.slice(0, 2))}: each AWS account may be listed once`),
  );

  const accountNames = config.accounts.map((a) => a.name);
  if (accountNames.length > 0 && !accountNames.includes(config.broker.account)) {
    fail(["broker", "account"], `"${config.broker.account}" is not an account: use one of ${accountNames.join(", ")}`);
  }
  const regions: [Path, string | undefined][] = [
    [["vault", "region"], config.vault.region],
    [["deployment", "region"], config.deployment.region],
    [["state", "s3", "region"], config.state.s3?.region],
  ];
  for (const [path, region] of regions) {
    if (region !== undefined && partitionOf(region) !== config.partition) {
      fail(path, `"${region}" is a region of partition ${partitionOf(region)}, but the accounts are in ${config.partition}`);
    }
  }
  if (config.vault.defaultTtl > config.vault.maxTtl) {
    fail(["vault", "defaultTtl"], ttlOrder(config.vault.defaultTtl, 0, config.vault.maxTtl, 0));
  }
  checkRoleSetNames(config, fail);

  // Vault role names, `<account>-<role>` and vaultRoles[].name, share one namespace.
  const vaultNames: [string, Path][] = [];
  const roles = new Map<string, { path: Path; maxSessionSeconds: number; externalId?: string }>();
  const rolesOf = config.accounts.map((account, a) => sourcedRoles(config.roleSets, account, a));
  config.accounts.forEach((account, a) => {
    const sourced = rolesOf[a];
    // IAM role names are unique regardless of case: "ReadOnly" and "readonly" are the same role.
    firstSeen(
      sourced.map((s, i) => [s.role.name.toLowerCase(), [i]]),
      ([later], [first]) =>
        fail(
          sourced[later as number].set ? sourced[later as number].ref : [...sourced[later as number].path, "name"],
          duplicateRole(sourced[later as number], sourced[first as number]),
        ),
    );
    sourced.forEach((source, r) => {
      const { role, path } = source;
      // Said of a set's role, a problem that depends on the account names it.
      const inAccount = source.set ? ` (in ${where(["accounts", a])} (${account.name}), which takes role set "${source.set}")` : "";
      const ttls = roleTtls(config.vault, role);
      // When both TTLs are inherited, the problem is reported once, at vault.defaultTtl.
      const ownTtl = role.defaultTtl !== undefined || role.maxTtl !== undefined;
      if (ownTtl && ttls.defaultTtlSeconds > ttls.maxTtlSeconds) {
        fail(
          [...path, role.defaultTtl !== undefined ? "defaultTtl" : "maxTtl"],
          ttlOrder(ttls.defaultTtlSeconds, role.defaultTtl, ttls.maxTtlSeconds, role.maxTtl),
        );
      }
      if (ttls.maxSessionSeconds < ttls.maxTtlSeconds) {
        fail(
          [...path, "maxSessionDuration"],
          `${formatDuration(ttls.maxSessionSeconds)} is shorter than the role's max TTL ${formatDuration(ttls.maxTtlSeconds)}: AWS would refuse credentials that long; raise it or lower maxTtl`,
        );
      }
      role.managedPolicyArns.forEach((arn, m) => {
        const [, partition, , , owner] = arn.split(":");
        if (owner === undefined) {
          return; // not an ARN at all: the field's own check reports it
        } else if (partition !== config.partition) {
          fail([...path, "managedPolicyArns", m], `"${arn}" is in partition ${partition}, but the accounts are in ${config.partition}`);
        } else if (owner !== "aws" && owner !== account.id) {
          fail(
            [...path, "managedPolicyArns", m],
            `"${arn}" belongs to account ${owner}: a role can only attach AWS managed policies or its own account's (${account.id})${inAccount}`,
          );
        } else if (config.unknownManagedPolicies === "error") {
          const unknown = unknownManagedPolicy(arn);
          if (unknown) fail([...path, "managedPolicyArns", m], unknownManagedPolicyMessage(arn, unknown.closest));
        }
      });
      const boundary = role.permissionsBoundary ?? config.permissionsBoundary;
      if (boundary?.startsWith("arn:")) {
        const [, partition, , , owner] = boundary.split(":");
        const field = role.permissionsBoundary !== undefined ? [...path, "permissionsBoundary"] : ["permissionsBoundary"];
        if (partition !== config.partition) {
          fail(field, `"${boundary}" is in partition ${partition}, but the accounts are in ${config.partition}`);
        } else if (owner !== "aws" && owner !== account.id) {
          const own = role.permissionsBoundary !== undefined ? "" : " (it is the default of every role)";
          fail(
            field,
            `"${boundary}" belongs to account ${owner}, but it bounds a role in account ${account.id}${own}${inAccount}: use an AWS managed policy, or the path/name of a policy each account holds (e.g. vault-aws/Boundary), which becomes that account's ARN`,
          );
        }
      }
      if (sourced.findIndex((other) => other.role.name.toLowerCase() === role.name.toLowerCase()) === r) {
        vaultNames.push([vaultRoleName(account.name, role.name), source.set ? source.ref : [...path, "name"]]);
      }
      roles.set(targetKey(account.name, role.name), { path, maxSessionSeconds: ttls.maxSessionSeconds, externalId: account.externalId });
    });
  });

  const expanded = config.accounts.map((account, a) => ({ ...account, roles: rolesOf[a].map((s) => s.role) }));
  config.vaultRoles.forEach((vaultRole, v) => {
    const path: Path = ["vaultRoles", v];
    vaultNames.push([vaultRole.name, [...path, "name"]]);
    const { defaultTtlSeconds: defaultTtl, maxTtlSeconds: maxTtl } = vaultRoleTtls(config.vault, vaultRole);
    const ownTtl = vaultRole.defaultTtl !== undefined || vaultRole.maxTtl !== undefined;
    if (ownTtl && defaultTtl > maxTtl) {
      fail(
        [...path, vaultRole.defaultTtl !== undefined ? "defaultTtl" : "maxTtl"],
        ttlOrder(defaultTtl, vaultRole.defaultTtl, maxTtl, vaultRole.maxTtl),
      );
    }
    firstSeen(
      vaultRole.targets.map((t, i) => [t, [...path, "targets", i]]),
      (p, first, target) => fail(p, `"${target}" is already listed at ${where(first)}: list each target once`),
    );
    const externalIds = new Set<string | undefined>();
    vaultRole.targets.forEach((target, t) => {
      // A target of the wrong form (an ARN, a bare role name) is reported by its own field, once.
      if (!TARGET.test(target)) return;
      const keys = expandTarget(target, expanded);
      if (isSelector(target) && keys.length === 0) {
        fail([...path, "targets", t], selectorMatchesNothing(target, expanded));
        return;
      }
      for (const key of keys) {
        const role = roles.get(key);
        if (!role) {
          const [accountName] = key.split("/");
          const account = expanded.find((a) => a.name === accountName);
          const hint = account
            ? account.roles.length > 0
              ? `${accountName}'s roles are ${account.roles.map((r) => r.name).join(", ")}`
              : `${accountName} has no roles`
            : `there is no account "${accountName}": use one of ${config.accounts.map((a) => a.name).join(", ")}`;
          fail([...path, "targets", t], `"${target}" is not a configured role: ${hint}`);
          continue;
        }
        externalIds.add(role.externalId);
        if (role.maxSessionSeconds < maxTtl) {
          fail(
            [...path, "maxTtl"],
            `${formatDuration(maxTtl)} exceeds the max session ${formatDuration(role.maxSessionSeconds)} of target "${key}"${key === target ? "" : ` (selected by "${target}")`}: lower maxTtl or raise that role's maxSessionDuration`,
          );
        }
      }
    });
    if (externalIds.size > 1) {
      fail(
        [...path, "targets"],
        `mixes accounts with different externalId values: a Vault role sends one external ID, so its targets must share it`,
      );
    }
  });

  firstSeen(vaultNames, (path, first, name) =>
    fail(
      path,
      `makes the Vault role name "${name}", which ${where(first)} already makes: "<account>-<role>" and vaultRoles names must all differ`,
    ),
  );
  checkRequesters(config, fail);
  checkRoleChaining(config, fail);
  checkBrokerRole(config, fail);
}

/** Every role set an account names must exist. */
function checkRoleSetNames(config: AccountsConfig, fail: (path: Path, message: string) => void): void {
  const sets = Object.keys(config.roleSets).sort();
  config.accounts.forEach((account, a) => {
    firstSeen(
      account.roleSets.map((name, i) => [name, ["accounts", a, "roleSets", i]]),
      (path, first, name) => fail(path, `"${name}" is already listed at ${where(first)}: take each role set once`),
    );
    account.roleSets.forEach((name, i) => {
      if (Object.hasOwn(config.roleSets, name)) return;
      fail(["accounts", a, "roleSets", i], unknownRoleSetMessage(name, sets));
    });
  });
}

/** The message for a role set name that `sets` (sorted) does not hold, with the closest one. */
export function unknownRoleSetMessage(name: string, sets: readonly string[]): string {
  const hint =
    sets.length > 0
      ? `did you mean "${closest(name, [...sets])}"? The role sets are ${sets.join(", ")}`
      : "there is no roleSets: section; define the set there";
  return `"${name}" is not a role set: ${hint}`;
}

/** Where a role comes from, in words: `role set "base" (roleSets.base[0])` or its path. */
function origin(source: SourcedRole<{ name: string }>): string {
  return source.set ? `role set "${source.set}" (${where(source.path)})` : where(source.path);
}

function duplicateRole(later: SourcedRole<{ name: string }>, first: SourcedRole<{ name: string }>): string {
  const name = later.role.name;
  const as = first.role.name === name ? "" : ` as "${first.role.name}"`;
  if (!later.set && !first.set)
    return `"${name}" is already the name of ${where(first.path)}${as}: role names must be unique within an account, ignoring case as IAM does`;
  return `role "${name}" comes from ${origin(later)} and "${first.role.name}" from ${origin(first)}: role names must be unique within an account, ignoring case as IAM does; nothing is merged, so rename one or drop one source`;
}

/** Why a selector selected nothing, with what it could select. */
function selectorMatchesNothing(
  target: string,
  accounts: readonly { name: string; tags: readonly string[]; roles: readonly { name: string }[] }[],
): string {
  const slash = target.lastIndexOf("/");
  const selector = target.slice(0, slash);
  const roleName = target.slice(slash + 1);
  if (selector.startsWith("tag:")) {
    const tag = selector.slice(4);
    const tagged = accounts.filter((a) => a.tags.includes(tag));
    if (tagged.length === 0) {
      const tags = [...new Set(accounts.flatMap((a) => a.tags))].sort();
      return `"${target}" selects nothing: no account has tag "${tag}"${tags.length > 0 ? ` (the tags are ${tags.join(", ")})` : " (no account has tags)"}`;
    }
    return `"${target}" selects nothing: no account tagged "${tag}" (${tagged
      .map((a) => a.name)
      .slice(0, 5)
      .join(", ")}${tagged.length > 5 ? ", …" : ""}) has a role "${roleName}"`;
  }
  const matched = accounts.filter((a) => picomatchLike(selector, a.name));
  if (matched.length === 0) return `"${target}" selects nothing: no account name matches "${selector}"`;
  return `"${target}" selects nothing: the accounts matching "${selector}" (${matched
    .map((a) => a.name)
    .slice(0, 5)
    .join(", ")}${matched.length > 5 ? ", …" : ""}) have no role "${roleName}"`;
}

function picomatchLike(glob: string, name: string): boolean {
  return expandTarget(`${glob}/probe`, [{ name, tags: [], roles: [{ name: "probe" }] }]).length > 0;
}

/** Every requester a role or a Vault role names, with where it is named. */
export function requesterUses(config: AccountsConfig): [string, Path][] {
  return [
    ...config.accounts.flatMap((account, a) =>
      account.roles.flatMap((role, r) =>
        role.requesters.map((name, q): [string, Path] => [name, ["accounts", a, "roles", r, "requesters", q]]),
      ),
    ),
    ...Object.entries(config.roleSets).flatMap(([set, roles]) =>
      roles.flatMap((role, k) => role.requesters.map((name, q): [string, Path] => [name, ["roleSets", set, k, "requesters", q]])),
    ),
    ...config.vaultRoles.flatMap((vaultRole, v) =>
      vaultRole.requesters.map((name, q): [string, Path] => [name, ["vaultRoles", v, "requesters", q]]),
    ),
  ];
}

/**
 * Requesters are declared: a config without `requesters:` gets one error holding a block to paste;
 * a name no declaration matches gets the closest declared name. A binding (mount, group) is made once, across all requesters.
 */
function checkRequesters(config: AccountsConfig, fail: (path: Path, message: string) => void): void {
  // A name of the wrong form is already reported by its own field.
  const uses = requesterUses(config).filter(([name]) => REQUESTER_NAME.test(name));
  if (config.requesters === undefined) {
    if (uses.length === 0) return; // nothing to declare
    const names = [...new Set(uses.map(([name]) => name))].sort();
    const block = ["requesters:", ...names.map((name) => `  ${name}: { description: "TODO: who ${name} are" }`)];
    fail(
      [],
      `has no "requesters:" section: declare every requester group the roles name, with what it is for (and optionally the identity-provider groups bound to it). Paste this at the top level and fill in the descriptions:\n${block.join("\n")}`,
    );
    return;
  }
  const declared = Object.keys(config.requesters).sort();
  for (const [name, path] of uses) {
    if (declared.includes(name)) continue;
    const hint = declared.length > 0 ? `did you mean "${closest(name, declared)}"? Declared: ${declared.join(", ")}` : `none is declared`;
    fail(path, `"${name}" is not a declared requester: ${hint}; declare it under requesters: to add a group`);
  }
  // Across requesters too: an external group has one alias per mount, and carries one policy.
  const bindings = Object.entries(config.requesters).flatMap(([name, requester]) =>
    requester.groups.map((g, i): [string, Path] => [`${g.authMount}\0${g.name}`, ["requesters", name, "groups", i]]),
  );
  firstSeen(bindings, (path, first, key) => {
    const [mount, group] = key.split("\0");
    const same = first[1] === path[1];
    fail(
      path,
      same
        ? `group ${JSON.stringify(group)} on mount "${mount}" is already bound at ${where(first)}: bind each external group once`
        : `group ${JSON.stringify(group)} on mount "${mount}" is already bound to requester "${String(first[1])}" at ${where(first)}: an external group can carry one requester's policy; bind it once, to a requester listed on every role its members need`,
    );
  });
}

/** The message for a default TTL above the max, saying which of the two was inherited. */
function ttlOrder(defaultTtl: number, ownDefault: number | undefined, maxTtl: number, ownMax: number | undefined): string {
  const from = (own: number | undefined, key: string) => (own === undefined ? ` (inherited from vault.${key})` : "");
  return `defaultTtl ${formatDuration(defaultTtl)}${from(ownDefault, "defaultTtl")} exceeds maxTtl ${formatDuration(maxTtl)}${from(ownMax, "maxTtl")}: the default must not exceed the max`;
}

/** Calls `onRepeat` for every key seen before, with the path where it was first seen. */
function firstSeen(entries: [string, Path][], onRepeat: (path: Path, first: Path, key: string) => void): void {
  const seen = new Map<string, Path>();
  for (const [key, path] of entries) {
    const first = seen.get(key);
    if (first) {
      onRepeat(path, first, key);
    } else {
      seen.set(key, path);
    }
  }
}

/** The message for an AWS managed policy name the snapshot does not know. */
export function unknownManagedPolicyMessage(arn: string, closestName: string): string {
  return `"${arn}" is not an AWS managed policy (${MANAGED_POLICY_SNAPSHOT}): did you mean ${closestName}? If the policy is newer than that list, set unknownManagedPolicies: warn`;
}

/**
 * With `broker.identity: role`, Vault's own AWS credentials are a role session, so every AssumeRole
 * it makes is role chaining, which AWS caps at one hour whatever the target's MaxSessionDuration:
 * a longer max TTL would only fail at issuance. Each max TTL written above the cap is reported
 * where it is written (an inherited one once, at vault.maxTtl).
 */
function checkRoleChaining(config: AccountsConfig, fail: (path: Path, message: string) => void): void {
  if (config.broker.identity !== "role") return;
  const check = (path: Path, maxTtl: number | undefined) => {
    if (maxTtl !== undefined && maxTtl > ROLE_CHAINING_MAX_SECONDS) fail(path, roleChainingMessage(maxTtl));
  };
  check(["vault", "maxTtl"], config.vault.maxTtl);
  config.accounts.forEach((account, a) => account.roles.forEach((role, r) => check(["accounts", a, "roles", r, "maxTtl"], role.maxTtl)));
  for (const [set, roles] of Object.entries(config.roleSets))
    roles.forEach((role, k) => check(["roleSets", set, k, "maxTtl"], role.maxTtl));
  config.vaultRoles.forEach((vaultRole, v) => check(["vaultRoles", v, "maxTtl"], vaultRole.maxTtl));
}

/** Why a max TTL above an hour cannot work with a keyless broker. */
function roleChainingMessage(maxTtl: number): string {
  const cap = formatDuration(ROLE_CHAINING_MAX_SECONDS);
  return `${formatDuration(maxTtl)} is longer than ${cap}: with broker.identity: role, Vault's own AWS credentials are a role session, so every AssumeRole it makes is role chaining, which AWS caps at ${cap} whatever the role's MaxSessionDuration; set maxTtl to ${cap} or less, or keep broker.identity: user`;
}

/**
 * The role Vault runs as exists already and is not managed here: it cannot also be one of the roles
 * the program creates in the broker's account (IAM role names ignore case).
 */
function checkBrokerRole(config: AccountsConfig, fail: (path: Path, message: string) => void): void {
  const { roleName } = config.broker;
  const a = config.accounts.findIndex((account) => account.name === config.broker.account);
  if (roleName === undefined || a < 0) return;
  const clash = sourcedRoles(config.roleSets, config.accounts[a], a).find(
    (source) => source.role.name.toLowerCase() === roleName.toLowerCase(),
  );
  if (clash) {
    fail(
      ["broker", "roleName"],
      `"${roleName}" is also ${origin(clash)}, a role this program creates in ${config.broker.account} for Vault to assume: the role Vault runs as must be another, existing role`,
    );
  }
}
