import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../../lib/atomic-write";
import { CredentialsError } from "../../lib/credentials/errors";
import { vaultAddress, vaultToken } from "../../lib/credentials/vault-token";
import { type AwsProfile, managedBlock, withManagedBlock } from "../../lib/profiles/managed-block";
import { checkNamePattern, DEFAULT_NAME_PATTERN, type ProfileGrant, profileName, safeProfileName } from "../../lib/profiles/profiles";
import { iniValue, shellWord, terminalText } from "../../lib/output-text";
import type { CommandHandler } from "../context";

/** `vault-aws profiles`. */
export interface ProfilesOptions {
  /** The requester group whose grants become profiles, read from the accounts file. @default - `fromToken` */
  readonly requester?: string;
  /** Ask Vault what this token may do instead of reading the accounts file. */
  readonly fromToken?: boolean;
  readonly config: string;
  /** @default - AWS_CONFIG_FILE, else ~/.aws/config */
  readonly file?: string;
  /** @default "{account}-{role}" */
  readonly name?: string;
  /** Region of profiles whose account's region is unknown (from a token). @default - AWS_REGION, else us-east-1 */
  readonly region?: string;
  /** @default "aws" (from the accounts file with --requester) */
  readonly mount?: string;
}

/**
 * Writes one AWS profile per Vault role and ARN the requester may get into a managed block of the
 * AWS config file, each running `vault-aws credentials` as its credential_process.
 *
 * Identity: the engineer's own. With --requester it reads the accounts file and writes the AWS
 * config file, and calls nothing; with --from-token it reads the token's own resultant ACL from
 * Vault (what that token may do, nothing more). A hostile accounts file could only name profiles
 * and Vault roles (names are checked, values quoted, one per line); the profiles it writes still get
 * only what Vault's ACL grants the engineer's token.
 */
export const profilesCommand: CommandHandler<ProfilesOptions> = async (options, ctx) => {
  if ((options.requester === undefined) === !options.fromToken) {
    ctx.note("vault-aws: give --requester NAME (with the accounts file) or --from-token (ask Vault), one of the two");
    return 1;
  }
  const pattern = options.name ?? DEFAULT_NAME_PATTERN;
  const file = options.file ?? (ctx.env.AWS_CONFIG_FILE || join(ctx.env.HOME || homedir(), ".aws", "config"));
  const address = vaultAddress(ctx.env);
  let mount = options.mount ?? "aws";
  let grants: ProfileGrant[];
  try {
    checkNamePattern(pattern);
    if (options.fromToken) {
      const { readResultantAcl, tokenGrants } = await import("../../lib/profiles/from-token");
      const found = tokenGrants(await readResultantAcl(address, vaultToken(ctx.env), ctx.env.VAULT_NAMESPACE || undefined), mount);
      for (const note of found.notes) ctx.note(`vault-aws: ${terminalText(note)}`);
      grants = found.grants.filter(
        (g) =>
          safeProfileName(g.vaultRole) ||
          (ctx.note(`vault-aws: skipped ${terminalText(g.vaultRole)}: not a name a profile can hold`), false),
      );
    } else {
      const { loadConfig } = await import("../../lib/config/load");
      const { buildModel } = await import("../../lib/model");
      const { requesterGrants } = await import("../../lib/profiles/profiles");
      const model = buildModel(loadConfig(options.config));
      if (!model.requesterPolicies.some((p) => p.requester === options.requester)) {
        const known = model.requesterPolicies.map((p) => p.requester).join(", ") || "none";
        ctx.note(
          `vault-aws: ${options.config}: there is no requester group ${terminalText(JSON.stringify(options.requester))}: use one of ${known}`,
        );
        return 1;
      }
      mount = options.mount ?? model.vault.mount;
      grants = requesterGrants(model, options.requester!);
    }
  } catch (error) {
    if (error instanceof CredentialsError) {
      ctx.note(`vault-aws: ${terminalText(error.message)}`);
      return error.exitCode;
    }
    throw error;
  }

  const region = options.region ?? (ctx.env.AWS_REGION || ctx.env.AWS_DEFAULT_REGION || "us-east-1");
  const launcher = [process.execPath, launcherPath()];
  const profiles = new Map<string, AwsProfile>();
  for (const grant of grants) {
    const name = profileName(pattern, grant);
    if (profiles.has(name)) {
      ctx.note(
        `vault-aws: ${name} is already the profile of another Vault role; ${grant.vaultRole}${grant.roleArn ? ` (${grant.roleArn})` : ""} gets none (choose a --name with {vaultRole})`,
      );
      continue;
    }
    const args = [
      "credentials",
      "--role",
      grant.vaultRole,
      ...(grant.spanning && grant.roleArn ? ["--role-arn", grant.roleArn] : []),
      "--address",
      address,
    ];
    if (mount !== "aws") args.push("--mount", mount);
    profiles.set(name, {
      name,
      region: iniValue(grant.region ?? region),
      credentialProcess: iniValue([...launcher, ...args].map(shellWord).join(" ")),
    });
  }
  const list = [...profiles.values()];
  const before = existsSync(file) ? readFileSync(file, "utf8") : "";
  const after = withManagedBlock(
    before,
    managedBlock(list),
    file,
    list.map((p) => p.name),
  );
  if (after !== before) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileAtomic(file, after, 0o600);
  }
  for (const p of list) ctx.log(p.name);
  ctx.note(`vault-aws: ${list.length} profile${list.length === 1 ? "" : "s"} in ${file}${after === before ? " (unchanged)" : ""}`);
  return 0;
};

/** bin/vault-aws.js of this checkout, whether running from .build/ or from the sources (tests). */
function launcherPath(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, "bin", "vault-aws.js");
    if (existsSync(candidate)) return candidate;
  }
  throw new Error("bin/vault-aws.js was not found above this program");
}
