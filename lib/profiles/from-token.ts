import { CREDENTIALS_EXIT, CredentialsError, tokenExpiredError } from "../credentials/errors";
import { vaultCall } from "../credentials/issue";
import { saysInvalidToken } from "../vault-answer";
import type { ProfileGrant } from "./profiles";

/** Vault's answer to `sys/internal/ui/resultant-acl`: the token's own policies, merged. */
export interface ResultantAcl {
  readonly root?: boolean;
  readonly exact_paths?: Readonly<
    Record<string, { readonly capabilities?: readonly string[]; readonly allowed_parameters?: Readonly<Record<string, unknown>> }>
  >;
  readonly glob_paths?: Readonly<Record<string, unknown>>;
}

/**
 * The STS paths a token may write, from its resultant ACL: one grant per Vault role, or per ARN where
 * its policy lists the ARNs it may pass as `role_arn`. What cannot become a profile (a root token,
 * glob paths, a spanning role whose ARNs the policy does not list) comes back as notes.
 */
export function tokenGrants(acl: ResultantAcl, mount: string): { grants: ProfileGrant[]; notes: string[] } {
  const prefix = `${mount}/sts/`;
  const notes: string[] = [];
  if (acl.root)
    notes.push(
      "this is a root token: it may get every role, so the list cannot come from its policy; use --requester with the accounts file",
    );
  const grants: ProfileGrant[] = [];
  for (const [path, rule] of Object.entries(acl.exact_paths ?? {})) {
    if (!path.startsWith(prefix) || !(rule.capabilities ?? []).some((c) => c === "update" || c === "create")) continue;
    const vaultRole = path.slice(prefix.length);
    if (vaultRole === "" || vaultRole.includes("/")) continue;
    const arns = rule.allowed_parameters?.role_arn;
    if (Array.isArray(arns) && arns.length > 0) {
      for (const arn of arns) grants.push({ vaultRole, roleArn: String(arn), spanning: true });
    } else if (Array.isArray(arns)) {
      notes.push(
        `${vaultRole}: your policy lets you pass any role_arn, so it does not say which ARNs the role spans; ask your Vault admins, or run vault-aws profiles --requester with the accounts file`,
      );
    } else {
      grants.push({ vaultRole, spanning: false });
    }
  }
  for (const path of Object.keys(acl.glob_paths ?? {})) {
    if (path.startsWith(prefix) || prefix.startsWith(path))
      notes.push(`${path}*: a glob path names no role; use --requester with the accounts file to list them`);
  }
  return {
    grants: grants.sort((a, b) => a.vaultRole.localeCompare(b.vaultRole) || (a.roleArn ?? "").localeCompare(b.roleArn ?? "")),
    notes,
  };
}

/** The token's resultant ACL, or a `CredentialsError` saying why it cannot be read. */
export async function readResultantAcl(address: string, token: string, namespace?: string): Promise<ResultantAcl> {
  const { status, body } = await vaultCall({ address, token, namespace }, "GET", "sys/internal/ui/resultant-acl");
  if (status === 403 && saysInvalidToken(body)) throw tokenExpiredError(address);
  if (status === 403)
    throw new CredentialsError(
      CREDENTIALS_EXIT.denied,
      "your Vault token may not read its own ACL (sys/internal/ui/resultant-acl, which Vault's default policy grants): it was made without that policy; use --requester NAME with the accounts file instead",
    );
  if (status !== 200)
    throw new CredentialsError(CREDENTIALS_EXIT.failure, `Vault answered HTTP ${status} to sys/internal/ui/resultant-acl`);
  return (body.data as ResultantAcl | null | undefined) ?? {};
}
