import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ConfigError } from "../../lib/config/load";
import { RevokeError, revokeInConfig } from "../../lib/config/revoke";

/** An RFC 3339 time to the second, in UTC. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * `vault-aws revoke`: writes the kill switch into the accounts file, in place and atomically (a
 * temporary file renamed over it), and prints what to apply next. Returns the exit code.
 */
export function revokeMain(options: { config: string; role: string; at?: string }, log: (line: string) => void, error: (line: string) => void): number {
  const at = options.at ?? rfc3339(new Date());
  let text: string;
  try {
    text = readFileSync(options.config, "utf8");
  } catch (e) {
    error(`revoke: ${options.config}: cannot be read (${(e as Error).message})`);
    return 1;
  }
  let result;
  try {
    result = revokeInConfig(text, options.config, options.role, at);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof RevokeError) {
      error(`revoke: ${e.message}`);
      return 1;
    }
    throw e;
  }
  const temp = join(dirname(options.config), `.${basename(options.config)}.revoke-${process.pid}`);
  writeFileSync(temp, result.text);
  renameSync(temp, options.config);
  for (const role of result.roles) log(`revoke: ${role.where}: ${role.account}/${role.role}: sessions issued before ${at} are denied everything once applied`);
  const stacks = [...new Set(result.roles.map((r) => r.stack))];
  log(`next, apply ${stacks.join(", ")} (only the roles' AWSRevokeOlderSessions policies change):`);
  log(`  pipeline:    commit ${options.config}; vault-aws plan --base <deployed ref> --out plans; vault-aws apply --plans plans`);
  log(`  workstation: npx cdktf deploy ${stacks.join(" ")}`);
  return 0;
}
