import { createTwoFilesPatch, FILE_HEADERS_ONLY } from "diff";
import { editAccountsFile } from "../../lib/config/edit";
import { ConfigError, locationOf, parseConfig, readConfigText } from "../../lib/config/load";
import { unknownRoleSetMessage } from "../../lib/config/references";
import { saveConfig } from "../../lib/config/save";
import type { AccountsConfig } from "../../lib/config/schema";
import { type ImportPlan, type OrganizationView, planImport } from "../../pipeline/import-plan";
import type { CommandHandler } from "../context";

/** What `vault-aws import-accounts` is asked to do. */
export interface ImportAccountsOptions {
  /** The accounts file to add to. */
  readonly configFile: string;
  /** OU or root ids: import the accounts under them, recursively. @default - every account of the organization */
  readonly ous: readonly string[];
  /** Role sets each new account takes. @default - none */
  readonly roleSets: readonly string[];
  /** Tags each new account gets. @default - none */
  readonly tags: readonly string[];
  /** Write `broker.organizationId` from the organization when the file has none. @default false */
  readonly setOrganizationId: boolean;
  /** Print the diff, write nothing, exit 2 when there is something to add. @default false */
  readonly dryRun: boolean;
}

/** Where import-accounts gets the organization, and where its lines go. */
export interface ImportContext {
  /** The organization's accounts, with those under `ous` in scope (see `readOrganization`). */
  readonly readOrganization: (ous: readonly string[]) => Promise<OrganizationView>;
  /** Results: the report and the diff (stdout). */
  readonly log: (line: string) => void;
  /** Progress (stderr). */
  readonly note: (line: string) => void;
}

/**
 * `vault-aws import-accounts`: adds the organization's ACTIVE accounts that the accounts file does
 * not have (matched by id) as new entries at the end of `accounts:`, keeping every byte of the file
 * it does not add; reports what it leaves out and why, and the file's accounts the organization no
 * longer lists (never removing them). The result is validated with synth's schema before it is
 * written, atomically. Exits 0 when written or nothing is new, 2 on a dry run that would change the
 * file; throws (exit 1) on a config or AWS error, with nothing written.
 */
export async function importAccounts(options: ImportAccountsOptions, ctx: ImportContext): Promise<number> {
  const file = options.configFile;
  const text = readConfigText(file);
  const config = parseConfig(text, file);
  checkRoleSets(options.roleSets, config, text, file);
  const org = await ctx.readOrganization(options.ous);
  const configured = config.broker.organizationId;
  if (configured !== undefined && configured !== org.organizationId) {
    throw new Error(
      `${locationOf(text, file, ["broker", "organizationId"])}: broker.organizationId: "${configured}" is not the organization these credentials reach (${org.organizationId}): nothing was imported; check AWS_PROFILE, or correct broker.organizationId`,
    );
  }
  const plan = planImport(org, config.accounts, options);
  const organizationId = options.setOrganizationId && configured === undefined ? org.organizationId : undefined;
  const edited = editAccountsFile(text, { entries: plan.added, organizationId }, file);
  if (edited !== text) validated(() => parseConfig(edited, file), file);
  for (const line of reportLines(plan, file, org, { dryRun: options.dryRun, organizationId })) ctx.log(line);
  if (edited === text) {
    ctx.log(`${file} is up to date: nothing to add`);
    return 0;
  }
  if (options.dryRun) {
    ctx.log(createTwoFilesPatch(file, file, text, edited, undefined, undefined, { headerOptions: FILE_HEADERS_ONLY }).trimEnd());
    ctx.note(`dry run: ${file} was not written`);
    return 2;
  }
  validated(() => saveConfig(file, edited, text), file);
  ctx.note(`wrote ${file}`);
  return 0;
}

/**
 * The `vault-aws import-accounts` handler: `importAccounts` with the organization read through AWS
 * Organizations, with the caller's AWS credentials (see `pipeline/organization.ts`).
 */
export const importAccountsCommand: CommandHandler<ImportAccountsOptions> = async (options, ctx) => {
  const { organizationsClient, readOrganization } = await import("../../pipeline/organization");
  return importAccounts(options, {
    readOrganization: (ous) => readOrganization(organizationsClient(), ous, ctx.note),
    log: ctx.log,
    note: ctx.note,
  });
};

/** Runs a check of the edited file, and says that nothing was written if it fails. */
function validated(check: () => void, file: string): void {
  try {
    check();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const problems = error.problems.map((p) => `  ${p}`).join("\n");
    throw new Error(
      `the imported accounts would make ${file} invalid; nothing was written (positions are in the file as it would be: --dry-run shows it):\n${problems}`,
    );
  }
}

/** Every role set the command line names must be one of the config's `roleSets:`. */
function checkRoleSets(names: readonly string[], config: AccountsConfig, text: string, file: string): void {
  const sets = Object.keys(config.roleSets).sort();
  const unknown = names.filter((name) => !sets.includes(name));
  if (unknown.length === 0) return;
  const where = sets.length > 0 ? `the roleSets: at ${locationOf(text, file, ["roleSets"])}` : file;
  throw new Error(unknown.map((name) => `--role-sets: ${unknownRoleSetMessage(name, sets)} (${where})`).join("\n"));
}

/** At most `max` names, then how many more. */
function listNames(names: readonly string[], max = 20): string {
  return names.length > max ? `${names.slice(0, max).join(", ")} … and ${names.length - max} more` : names.join(", ");
}

/** The report: what is added (and how names were changed), left out and why, and found missing. */
export function reportLines(
  plan: ImportPlan,
  file: string,
  org: OrganizationView,
  how: { readonly dryRun: boolean; readonly organizationId?: string },
): string[] {
  const lines: string[] = [];
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const verb = how.dryRun ? "would add" : "added";
  if (plan.added.length > 0) {
    lines.push(`${verb} ${plural(plan.added.length, "account")} to ${file}:`);
    const width = Math.max(...plan.added.map((a) => a.name.length));
    for (const a of plan.added) {
      const why = a.changes.length > 0 ? `, named from "${a.orgName}": ${a.changes.join("; ")}` : "";
      lines.push(`  ${a.name.padEnd(width)}  ${a.id}${why}`);
    }
  }
  const skipped = plan.inactive.length + plan.present.length;
  if (skipped > 0) {
    lines.push(`skipped ${plural(skipped, "account")}:`);
    for (const a of plan.inactive) lines.push(`  ${a.id} "${a.name}": ${a.state}, only ACTIVE accounts are imported`);
    if (plan.present.length > 0)
      lines.push(
        `  ${plural(plan.present.length, "account")} already in ${file} (matched by id): ${listNames(plan.present.map((p) => p.name))}`,
      );
  }
  if (plan.notInOrganization.length > 0) {
    lines.push(`not in organization ${org.organizationId}, kept in ${file} (remove an account that has left by hand):`);
    for (const e of plan.notInOrganization) lines.push(`  accounts[${e.index}] ${e.name} (${e.id})`);
    if (plan.noneInOrganization) {
      lines.push(
        `  (none of the file's accounts is in organization ${org.organizationId}: are these the credentials of the right organization? AWS_PROFILE picks them)`,
      );
    }
  }
  if (plan.inactiveInConfig.length > 0) {
    lines.push(`not ACTIVE in organization ${org.organizationId}, kept in ${file}:`);
    for (const e of plan.inactiveInConfig) lines.push(`  accounts[${e.index}] ${e.name} (${e.id}): ${e.state}`);
  }
  if (how.organizationId !== undefined)
    lines.push(`broker.organizationId: ${how.dryRun ? "would be set" : "set"} to ${how.organizationId}`);
  return lines;
}
