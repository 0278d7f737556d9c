import type { Model } from "../model";

/** What one generated profile stands for: a Vault role, and the ARN when the role spans several. */
export interface ProfileGrant {
  readonly vaultRole: string;
  /** @default - the Vault role's only ARN, which the token may not be able to read */
  readonly roleArn?: string;
  /** Whether `credentials` must pass `--role-arn` (the Vault role spans several ARNs). */
  readonly spanning: boolean;
  /** @default - unknown without the accounts file */
  readonly account?: string;
  readonly region?: string;
}

/** The default profile name pattern. */
export const DEFAULT_NAME_PATTERN = "{account}-{role}";
const PLACEHOLDERS = ["account", "role", "accountId", "vaultRole"] as const;
/** Profile names: one word of the AWS config file, and of a shell's `--profile`. */
const PROFILE_NAME = /^[A-Za-z0-9_.@+=-]{1,128}$/;

/** The grants of one requester group, per Vault role and ARN, from the model. */
export function requesterGrants(model: Model, requester: string): ProfileGrant[] {
  const accountById = new Map(model.accounts.map((a) => [a.id, a]));
  return model.vaultRoles
    .filter((r) => r.requesters.includes(requester))
    .flatMap((r) =>
      r.roleArns.map((arn) => {
        const account = accountById.get(arnAccountId(arn));
        return { vaultRole: r.name, roleArn: arn, spanning: r.roleArns.length > 1, account: account?.name, region: account?.region };
      }),
    );
}

/** The account id of a role ARN. */
export function arnAccountId(arn: string): string {
  return arn.split(":")[4] ?? "";
}

/**
 * A profile's name from the pattern: `{account}` (the account's name, else its id), `{role}` (the
 * IAM role's name), `{accountId}` and `{vaultRole}`. A grant whose ARN is unknown (a single-ARN role
 * seen through a token) is named after its Vault role, which is `<account>-<role>` already.
 */
export function profileName(pattern: string, grant: ProfileGrant): string {
  if (grant.roleArn === undefined) return grant.vaultRole;
  const values: Record<(typeof PLACEHOLDERS)[number], string> = {
    account: grant.account ?? arnAccountId(grant.roleArn),
    role: grant.roleArn.split("/").pop() ?? "",
    accountId: arnAccountId(grant.roleArn),
    vaultRole: grant.vaultRole,
  };
  return pattern.replace(/\{(\w+)\}/g, (_, name: string) => values[name as keyof typeof values]);
}

/** Checks a `--name` pattern: only known placeholders, and names the AWS config file can hold. */
export function checkNamePattern(pattern: string): void {
  const unknown = [...pattern.matchAll(/\{(\w*)\}/g)].map((m) => m[1]).filter((n) => !(PLACEHOLDERS as readonly string[]).includes(n));
  if (unknown.length > 0)
    throw new Error(
      `--name ${JSON.stringify(pattern)}: {${unknown[0]}} is not a placeholder: use {account}, {role}, {accountId} or {vaultRole}`,
    );
  const sample = pattern.replace(/\{\w+\}/g, "x");
  if (!PROFILE_NAME.test(sample))
    throw new Error(`--name ${JSON.stringify(pattern)}: a profile name may hold only letters, digits and _ . @ + = -`);
}

/** Whether a name (from Vault, through a token) can be written as a profile name and a command-line word. */
export function safeProfileName(name: string): boolean {
  return PROFILE_NAME.test(name);
}
