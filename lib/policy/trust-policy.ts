import type { PolicyDocument } from "./document";

/** What a role's trust policy needs to know about the broker. */
export interface BrokerTrustConfig {
  /** ARN of the broker account's root, e.g. `arn:aws:iam::111111111111:root`. */
  readonly brokerAccountRootArn: string;
  /**
   * ARNs of the broker's principals: its user (`arn:aws:iam::111111111111:user/vault-account`), or
   * the role Vault runs as (`arn:aws:iam::111111111111:role/vault-server`), or both while an estate
   * switches from one to the other.
   */
  readonly brokerPrincipalArns: readonly string[];
  /**
   * The `sts:ExternalId` the caller must send.
   * @default - no external ID is required
   */
  readonly externalId?: string;
  /**
   * Every session name must start with this (`sts:RoleSessionName`), as Vault's pinned
   * username_template makes them; see `SESSION_NAME_TEMPLATE`.
   * @default - any session name
   */
  readonly sessionNamePrefix?: string;
}

/** The prefix of every session name Vault makes when session names are pinned. */
export const SESSION_NAME_PREFIX = "vault-";

/**
 * The engine's username_template when session names are pinned. For `assumed_role`, Vault renders
 * it with `.Type` "IAM", `.DisplayName` the requesting token's display name (e.g. oidc-alice) and
 * `.PolicyName` the Vault role (openbao-plugins secrets/aws `genUsername`), unless the request
 * passes `role_session_name`, which the requester ACL policies refuse. So each CloudTrail entry
 * names the token behind it: `vault-oidc-alice-dev-ec2-admin-1764160000-a1b2c3d4`.
 */
export const SESSION_NAME_TEMPLATE = `{{ printf "${SESSION_NAME_PREFIX}%s-%s-%s" (printf "%s-%s" (.DisplayName) (.PolicyName) | truncate 40) (unix_time) (random 8) | truncate 64 }}`;

/**
 * The trust policy of every assumable role.
 *
 * The principal is the broker's *account*, narrowed by `aws:PrincipalArn` to the broker's user or
 * role (for a role session, `aws:PrincipalArn` is the role's ARN, not the session's):
 * - no other principal of that account gets in, whatever its own policies say;
 * - unlike a user or role principal, which IAM rewrites to its unique id, the ARN condition still
 *   matches after the broker is deleted and recreated;
 * - IAM does not check that the principal exists when the policy is saved, so account stacks can
 *   be applied before the broker's stack.
 *
 * One principal is written as a string, as it always was; two (during a switch) as a list, which
 * `StringEquals` matches if any matches.
 */
export function brokerTrustPolicy(config: BrokerTrustConfig): PolicyDocument {
  const principals = config.brokerPrincipalArns;
  const stringEquals: Record<string, string | string[]> = { "aws:PrincipalArn": principals.length === 1 ? principals[0] : [...principals] };
  if (config.externalId !== undefined) {
    stringEquals["sts:ExternalId"] = config.externalId;
  }
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "VaultBrokerAssumeRole",
        Effect: "Allow",
        Principal: { AWS: config.brokerAccountRootArn },
        Action: "sts:AssumeRole",
        Condition: config.sessionNamePrefix === undefined ? { StringEquals: stringEquals } : { StringEquals: stringEquals, StringLike: { "sts:RoleSessionName": `${config.sessionNamePrefix}*` } },
      },
    ],
  };
}
