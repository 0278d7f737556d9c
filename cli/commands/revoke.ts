import { readFileSync } from "node:fs";
import { ConfigChangedError, saveConfig } from "../../lib/config/save";
import { RevokeError, revokeInConfig } from "../../lib/config/revoke";
import type { CommandHandler } from "../context";

/** An RFC 3339 time to the second, in UTC. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** How far ahead of this machine's clock `--at` may be without `--force`: clock skew, not intent. */
const FUTURE_SLACK_MS = 5 * 60 * 1000;

/** Options of `vault-aws revoke`. */
export interface RevokeOptions {
  /** The accounts file. */
  readonly config: string;
  /** `<account>/<role>`, a Vault role, or a vaultRoles name. */
  readonly role: string;
  /** @default - now */
  readonly at?: string;
  /**
   * Accept an `at` in the future, which denies every session of the role until then.
   * @default false
   */
  readonly force?: boolean;
  /**
   * This machine's clock, for tests.
   * @default - new Date()
   */
  readonly now?: Date;
}

/**
 * `vault-aws revoke`: writes the kill switch into the accounts file through the shared writer
 * (`saveConfig`: validated, atomic, through symbolic links, keeping the file's mode, and refusing
 * if the file changed meanwhile), and prints what to apply next. A time in the future disables the
 * role until then, so it needs `force`. Runs as whoever runs it, with no AWS or Vault access: it
 * only edits the file; a hostile config can make it print text, never run anything.
 */
export const revokeCommand: CommandHandler<RevokeOptions> = (options, ctx) => {
  const now = options.now ?? new Date();
  const at = options.at ?? rfc3339(now);
  let text: string;
  try {
    text = readFileSync(options.config, "utf8");
  } catch (e) {
    throw new RevokeError(`revoke: ${options.config}: cannot be read (${(e as Error).message})`);
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
    // A config error reads as every command's does; the revoke's own refusals say which command refused.
    if (e instanceof RevokeError || e instanceof ConfigChangedError) throw new RevokeError(`revoke: ${e.message}`);
    throw e;
  }
  for (const role of result.roles)
    ctx.log(`revoke: ${role.where}: ${role.account}/${role.role}: sessions issued before ${at} are denied everything once applied`);
  if (Date.parse(at) - now.getTime() > FUTURE_SLACK_MS) {
    ctx.log(
      `revoke: ${at} is in the future (--force): until then, every new session of ${result.roles.length === 1 ? "the role" : "these roles"} is denied too`,
    );
  }
  const stacks = [...new Set(result.roles.map((r) => r.stack))];
  ctx.log(`next, apply ${stacks.join(", ")} (only the roles' AWSRevokeOlderSessions policies change):`);
  ctx.log(`  pipeline:    commit ${options.config}; vault-aws plan --base <deployed ref> --out plans; vault-aws apply --plans plans`);
  ctx.log(`  workstation: npx cdktf deploy ${stacks.join(" ")}`);
  return 0;
};
