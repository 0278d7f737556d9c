import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { revokeInConfig } from "../../lib/config/revoke";
import type { CommandHandler } from "../context";

/** An RFC 3339 time to the second, in UTC. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Options of `vault-aws revoke`. */
export interface RevokeOptions {
  /** The accounts file. */
  readonly config: string;
  /** `<account>/<role>`, a Vault role, or a vaultRoles name. */
  readonly role: string;
  /** @default - now */
  readonly at?: string;
}

/**
 * `vault-aws revoke`: writes the kill switch into the accounts file, in place and atomically (a
 * temporary file renamed over it), and prints what to apply next.
 */
export const revokeCommand: CommandHandler<RevokeOptions> = (options, ctx) => {
  const at = options.at ?? rfc3339(new Date());
  let text: string;
  try {
    text = readFileSync(options.config, "utf8");
  } catch (e) {
    throw new Error(`revoke: ${options.config}: cannot be read (${(e as Error).message})`);
  }
  const result = revokeInConfig(text, options.config, options.role, at);
  const temp = join(dirname(options.config), `.${basename(options.config)}.revoke-${process.pid}`);
  writeFileSync(temp, result.text);
  renameSync(temp, options.config);
  for (const role of result.roles) ctx.log(`revoke: ${role.where}: ${role.account}/${role.role}: sessions issued before ${at} are denied everything once applied`);
  const stacks = [...new Set(result.roles.map((r) => r.stack))];
  ctx.log(`next, apply ${stacks.join(", ")} (only the roles' AWSRevokeOlderSessions policies change):`);
  ctx.log(`  pipeline:    commit ${options.config}; vault-aws plan --base <deployed ref> --out plans; vault-aws apply --plans plans`);
  ctx.log(`  workstation: npx cdktf deploy ${stacks.join(" ")}`);
  return 0;
};
