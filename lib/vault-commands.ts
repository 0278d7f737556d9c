import { formatDuration } from "./duration";

/**
 * The `vault write` a requester runs. A Vault role holding several ARNs needs `role_arn` to pick
 * one, so it gets one command per ARN.
 */
export function stsCommands(path: string, roleArns: readonly string[], ttlSeconds: number): string[] {
  const ttl = `ttl=${formatDuration(ttlSeconds)}`;
  if (roleArns.length === 1) {
    return [`vault write ${path} ${ttl}`];
  }
  return roleArns.map((arn) => `vault write ${path} role_arn=${arn} ${ttl}`);
}
