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
 * Characters an alias name commonly holds (`auth0|123`, `Alice Smith`, `urn:x`) that STS refuses in a
 * session name (`[\w+=,.@-]`), each replaced by `_`.
 */
const SESSION_NAME_UNSAFE = [" ", "|", ":", "/", "#"];

/**
 * The engine's username_template. For `assumed_role`, Vault renders it with `.DisplayName` the
 * requesting token's display name, which Vault itself sets at login from the auth mount and the
 * login's alias name (`jwt-alice`, `oidc-alice@example.com`), and `.PolicyName` the Vault role
 * (openbao-plugins secrets/aws `genUsername`), unless the request passes `role_session_name`, which
 * the requester ACL policies refuse. So each CloudTrail entry names the person behind it:
 * `vault-jwt-alice-dev-ec2-admin-1764160000-a1B2c3D4e5`.
 *
 * Within STS's 64 characters: the person and the role take at most 42 (`vault-` included), so the
 * unix time and 10 random characters always survive, and two requests never share a name. It always
 * starts with `SESSION_NAME_PREFIX`, which pinned trust policies require.
 */
export const SESSION_NAME_TEMPLATE =
  `{{ printf "%s-%s-%s" (printf "${SESSION_NAME_PREFIX}%s-%s" (.DisplayName${SESSION_NAME_UNSAFE.map((c) => ` | replace "${c}" "_"`).join("")}) (.PolicyName) | truncate 42) ` +
  `(unix_time) (random 10) | truncate 64 }}`;

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
        Condition:
          config.sessionNamePrefix === undefined
            ? { StringEquals: stringEquals }
            : { StringEquals: stringEquals, StringLike: { "sts:RoleSessionName": `${config.sessionNamePrefix}*` } },
      },
    ],
  };
}
