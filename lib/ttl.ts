import { MIN_ROLE_SESSION_SECONDS } from "./duration";

/** The `vault:` TTL defaults, in seconds. */
export interface TtlDefaults {
  readonly defaultTtl: number;
  readonly maxTtl: number;
}

/** A role's or Vault role's own TTLs, in seconds, each optional. */
export interface TtlOverrides {
  readonly defaultTtl?: number;
  readonly maxTtl?: number;
}

/** The TTLs a role ends up with once the `vault:` defaults are applied. */
export interface RoleTtls {
  /** Vault's default_sts_ttl for the role's Vault role, in seconds. */
  readonly defaultTtlSeconds: number;
  /** Vault's max_sts_ttl for the role's Vault role, in seconds. */
  readonly maxTtlSeconds: number;
  /** The IAM role's MaxSessionDuration, in seconds. */
  readonly maxSessionSeconds: number;
}

/**
 * Applies the `vault:` defaults to a role. Without `maxSessionDuration` the role's session lasts as
 * long as its max TTL, but never less than IAM's floor of one hour.
 */
export function roleTtls(vault: TtlDefaults, role: TtlOverrides & { readonly maxSessionDuration?: number }): RoleTtls {
  const defaultTtlSeconds = role.defaultTtl ?? vault.defaultTtl;
  const maxTtlSeconds = role.maxTtl ?? vault.maxTtl;
  const maxSessionSeconds = role.maxSessionDuration ?? Math.max(MIN_ROLE_SESSION_SECONDS, maxTtlSeconds);
  return { defaultTtlSeconds, maxTtlSeconds, maxSessionSeconds };
}

/** The TTLs of a `vaultRoles` entry once the `vault:` defaults are applied. */
export function vaultRoleTtls(vault: TtlDefaults, vaultRole: TtlOverrides): Omit<RoleTtls, "maxSessionSeconds"> {
  return { defaultTtlSeconds: vaultRole.defaultTtl ?? vault.defaultTtl, maxTtlSeconds: vaultRole.maxTtl ?? vault.maxTtl };
}
