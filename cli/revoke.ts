import { readFileSync } from "node:fs";
import { ConfigError } from "../lib/config/load";
import { ConfigChangedError, saveConfig } from "../lib/config/save";
import { RevokeError, revokeInConfig } from "../lib/config/revoke";

/** An RFC 3339 time to the second, in UTC. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** How far ahead of this machine's clock `--at` may be without `--force`: clock skew, not intent. */
const FUTURE_SLACK_MS = 5 * 60 * 1000;

/**
 * `vault-aws revoke`: writes the kill switch into the accounts file through the shared writer
 * (`saveConfig`: validated, atomic, through symbolic links, keeping the file's mode, and refusing
 * if the file changed meanwhile), and prints what to apply next. A time in the future disables the
 * role until then, so it needs `force`. Runs as whoever runs it, with no AWS or Vault access: it
 * only edits the file; a hostile config can make it print text, never run anything. Returns the exit code.
 */
export function revokeMain(
  options: { config: string; role: string; at?: string; force?: boolean },
  log: (line: string) => void,
  error: (line: string) => void,
  now: Date = new Date(),
): number {
  const at = options.at ?? rfc3339(now);
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
    const ahead = Date.parse(at) - now.getTime();
    if (ahead > FUTURE_SLACK_MS && !options.force) {
      throw new RevokeError(
        `--at ${at} is in the future: every session of the role issued until then would be denied, so the role would be unusable until ${at}. ` +
          `To revoke only the sessions that exist now, leave out --at; if disabling it until then is meant, add --force; nothing was written`,
      );
    }
    saveConfig(options.config, result.text, text);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof RevokeError || e instanceof ConfigChangedError) {
      error(`revoke: ${e.message}`);
      return 1;
    }
    throw e;
  }
  for (const role of result.roles) log(`revoke: ${role.where}: ${role.account}/${role.role}: sessions issued before ${at} are denied everything once applied`);
  if (Date.parse(at) - now.getTime() > FUTURE_SLACK_MS) {
    log(`revoke: ${at} is in the future (--force): until then, every new session of ${result.roles.length === 1 ? "the role" : "these roles"} is denied too`);
  }
  const stacks = [...new Set(result.roles.map((r) => r.stack))];
  log(`next, apply ${stacks.join(", ")} (only the roles' AWSRevokeOlderSessions policies change):`);
  log(`  pipeline:    commit ${options.config}; vault-aws plan --base <deployed ref> --out plans; vault-aws apply --plans plans`);
  log(`  workstation: npx cdktf deploy ${stacks.join(" ")}`);
  return 0;
}
