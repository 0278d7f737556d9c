/**
 * The HCL text of a requester's Vault ACL policy: `update` on exactly the STS paths of the Vault
 * roles it may use, and nothing else. Paths are listed in the order given.
 */
export function requesterAclPolicy(requester: string, stsPaths: readonly string[]): string {
  const header = `# Managed by vault-aws-multi-account. Requester group "${requester}" may mint STS credentials for these roles only.\n`;
  const blocks = stsPaths.map((path) => `path ${JSON.stringify(path)} {\n  capabilities = ["update"]\n}\n`);
  return header + blocks.join("");
}
