/**
 * The ways `vault-aws credentials` fails, each with its own exit code so that a script can tell
 * them apart, and a one-line message (the AWS CLI shows the process's stderr as is).
 */
export const CREDENTIALS_EXIT = {
  /** Any other failure (an unexpected Vault answer). */
  failure: 1,
  /** No Vault token: not in VAULT_TOKEN, the token helper or ~/.vault-token. */
  noToken: 3,
  /** Vault does not know the token: it expired or was revoked. */
  tokenExpired: 4,
  /** The token may not write this role's STS path. */
  denied: 5,
  /** Vault did not answer at VAULT_ADDR. */
  unreachable: 6,
  /** The Vault role spans several role ARNs, and none was given. */
  roleArnNeeded: 7,
} as const;

/** A failure of `vault-aws credentials`, with its exit code; the message is the whole line to show. */
export class CredentialsError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
    this.name = "CredentialsError";
  }
}

/** Vault does not know the token at `address` (a 403 saying "invalid token"): it expired or was revoked. */
export function tokenExpiredError(address: string): CredentialsError {
  return new CredentialsError(
    CREDENTIALS_EXIT.tokenExpired,
    `your Vault token at ${address} expired or was revoked: log in again (\`vault login -method=oidc\`)`,
  );
}
