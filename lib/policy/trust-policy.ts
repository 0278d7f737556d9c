import type { PolicyDocument } from "./document";

/** What a role's trust policy needs to know about the broker. */
export interface BrokerTrustConfig {
  /** ARN of the broker account's root, e.g. `arn:aws:iam::111111111111:root`. */
  readonly brokerAccountRootArn: string;
  /** ARN of the broker user, e.g. `arn:aws:iam::111111111111:user/vault-account`. */
  readonly brokerUserArn: string;
  /**
   * The `sts:ExternalId` the caller must send.
   * @default - no external ID is required
   */
  readonly externalId?: string;
}

/**
 * The trust policy of every assumable role.
 *
 * The principal is the broker's *account*, narrowed by `aws:PrincipalArn` to the broker user:
 * - no other principal of that account gets in, whatever its own policies say;
 * - unlike a user principal, which IAM rewrites to the user's unique id, the ARN condition still
 *   matches after the broker user is deleted and recreated;
 * - IAM does not check that the user exists when the policy is saved, so account stacks can be
 *   applied before the broker's stack.
 */
export function brokerTrustPolicy(config: BrokerTrustConfig): PolicyDocument {
  const stringEquals: Record<string, string> = { "aws:PrincipalArn": config.brokerUserArn };
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
        Condition: { StringEquals: stringEquals },
      },
    ],
  };
}
