/** One STS path a requester may write, and the role ARNs behind it. */
export interface StsGrant {
  /** `<mount>/sts/<vault role>` */
  readonly path: string;
  /** The Vault role's ARNs; with more than one, the requester picks one with `role_arn`. */
  readonly roleArns: readonly string[];
}

/**
 * The HCL text of a requester's Vault ACL policy: `update` on exactly the STS paths of the Vault
 * roles it may use, and nothing else. `allowed_parameters` admits only `ttl` (and `role_arn`, limited
 * to the role's own ARNs, where there are several): a requester cannot pick its own
 * `role_session_name`, which AWS would log as the session's identity in CloudTrail.
 */
export function requesterAclPolicy(requester: string, grants: readonly StsGrant[]): string {
  const header = `# Managed by vault-aws-multi-account. Requester group "${requester}" may mint STS credentials for these roles only.\n`;
  const blocks = grants.map((grant) => {
    const parameters = [`    "ttl" = []`];
    if (grant.roleArns.length > 1) {
      parameters.push(`    "role_arn" = [${grant.roleArns.map((arn) => JSON.stringify(arn)).join(", ")}]`);
    }
    return `path ${JSON.stringify(grant.path)} {\n  capabilities = ["update"]\n  allowed_parameters = {\n${parameters.join("\n")}\n  }\n}\n`;
  });
  return header + blocks.join("");
}
