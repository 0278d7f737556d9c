import { everyFieldTaken } from "../model-fields";

/** What a Vault `assumed_role` role holds: the one definition, which `VaultRoleModel` extends. */
export interface StsRoleSettings {
  /** ARNs of the IAM roles the Vault role may assume. */
  readonly roleArns: readonly string[];
  /** `default_sts_ttl`, in seconds. */
  readonly defaultTtlSeconds: number;
  /** `max_sts_ttl`, in seconds. */
  readonly maxTtlSeconds: number;
  /**
   * `sts:ExternalId` sent with every AssumeRole.
   * @default - none sent
   */
  readonly externalId?: string;
}

/**
 * The body Vault's `POST <mount>/roles/<name>` takes for an `assumed_role` role.
 *
 * `external_id` is always written, as `""` when there is none: Vault keeps a field a write leaves
 * out, but stores one that is present, empty included (`FieldData.GetOk` tests presence), so
 * removing an account's external ID is an in-place write. The sandbox's e2e tests read it back.
 */
export function stsRoleBody(config: StsRoleSettings): Record<string, unknown> {
  const { roleArns, defaultTtlSeconds, maxTtlSeconds, externalId, ...rest } = config;
  everyFieldTaken(rest);
  return {
    credential_type: "assumed_role",
    role_arns: [...roleArns],
    default_sts_ttl: defaultTtlSeconds,
    max_sts_ttl: maxTtlSeconds,
    external_id: externalId ?? "",
  };
}
