import type { PolicyDocument } from "./document";

/** The inline policy's name, the one the IAM console's "Revoke active sessions" writes. */
export const REVOKE_POLICY_NAME = "AWSRevokeOlderSessions";

/**
 * Denies every action to every session of the role issued before `issuedBefore` (RFC 3339). STS
 * credentials cannot be recalled, and revoking Vault's lease does not invalidate them; this deny,
 * evaluated on every request, is what ends them early. Sessions issued afterwards are unaffected.
 */
export function revokeOlderSessionsPolicy(issuedBefore: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "RevokeOlderSessions",
        Effect: "Deny",
        Action: "*",
        Resource: "*",
        Condition: { DateLessThan: { "aws:TokenIssueTime": issuedBefore } },
      },
    ],
  };
}
