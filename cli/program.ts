import { Command, InvalidArgumentError, Option } from "commander";
import type { z } from "zod";
import { DEFAULT_ACCOUNTS_FILE } from "../lib/config/load";
import { ROLE_SET_NAME, TAG } from "../lib/config/schema";
import { PARENT_ID } from "../pipeline/import-plan";
import { synthMain } from "../main";
import { applyCommand, changesCommand, type CommandContext, driftCommand, planCommand } from "../pipeline/commands";
import { parseShard } from "../pipeline/changes";
import { ACCESS_FORMATS, accessCommand } from "../report/command";

/** A whole number from 1, or commander's error naming the flag. */
function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${value} is not allowed: use a whole number from 1`);
  return n;
}

function shard(value: string) {
  try {
    return parseShard(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message.replace(/^--shard \S+ is not allowed: /, ""));
  }
}

/** One more `--ou` value, checked; a variadic option with a parser accumulates its values itself. */
function ouIds(value: string, previous: string[]): string[] {
  if (!PARENT_ID.test(value)) throw new InvalidArgumentError(`"${value}" is not allowed: use an OU id such as ou-ab12-cdef3456, or a root id such as r-ab12`);
  return [...previous, value];
}

/** A comma-separated list whose items the config's own schema checks, each once. */
function commaList(item: z.ZodType<string>): (value: string) => string[] {
  return (value) => {
    const items = value.split(",").map((s) => s.trim());
    for (const [i, name] of items.entries()) {
      const checked = item.safeParse(name);
      if (!checked.success) throw new InvalidArgumentError(checked.error.issues[0].message);
      if (items.indexOf(name) !== i) throw new InvalidArgumentError(`"${name}" is listed twice: list each once`);
    }
    return items;
  };
}

/** `--config`, the accounts file. */
function configOption(): Option {
  return new Option("--config <file>", "the accounts file").env("ACCOUNTS_FILE").default(DEFAULT_ACCOUNTS_FILE);
}

/** `--config` and `--outdir`, which every command that synthesizes takes. */
function withConfig(command: Command): Command {
  return command
    .addOption(configOption())
    .addOption(new Option("--outdir <dir>", "where the stacks are synthesized").env("CDKTF_OUTDIR").default("cdktf.out"));
}

/** Results go to stdout; progress of the base synth, warnings and errors to stderr, so `--json` output stays pure. */
function context(options: { config: string; outdir: string }): CommandContext {
  return { configFile: options.config, outdir: options.outdir, env: process.env, log: (line) => console.log(line), note: (line) => console.error(line) };
}

/** Sets the exit code from a command's result, and prints an error without a stack trace. */
function exit(code: Promise<number> | number): Promise<void> {
  return Promise.resolve(code).then(
    (c) => {
      process.exitCode = c;
    },
    (error) => {
      console.error(`vault-aws: ${(error as Error).message}`);
      process.exitCode = 1;
    },
  );
}

/**
 * Writes a report to stdout. A reader that stops early (`| head`, quitting `less`) closes the pipe:
 * that is how such a reader says "enough", not an error.
 */
function writeReport(text: string): void {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
  });
  process.stdout.write(text);
}

/** How the user gave an option's value: `--flag value`, `ENV=value`, or the bare default. */
function named(command: Command, key: string, flag: string, env: string): string {
  const value = command.getOptionValue(key);
  const source = command.getOptionValueSource(key);
  return source === "cli" ? `${flag} ${value}` : source === "env" ? `${env}=${value}` : String(value);
}

/** The `vault-aws` command line. Each subcommand's `--help` lists its flags. */
export function buildProgram(): Command {
  const program = new Command("vault-aws")
    .description("HashiCorp Vault's AWS secrets engine across many AWS accounts, as cdktf code")
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: false });

  withConfig(program.command("synth").description("validate the accounts file and synthesize every stack (also what cdktf synth runs)")).action((o) =>
    exit(synthMain(o.config, o.outdir)),
  );

  withConfig(
    program
      .command("changes")
      .description("which stacks a change touches, in apply order, and who gains or loses access")
      .requiredOption("--base <ref|dir>", "what is deployed: a git ref (its code and config are synthesized, cached) or the output folder of an earlier synth")
      .option("--json", "print {create, update, destroy, unchanged, waves, access} as JSON on stdout", false),
  ).action((o) => exit(changesCommand(o.base, o.json, context(o))));

  withConfig(
    program
      .command("plan")
      .description("terraform plan of only the stacks a change touches; writes <out>/<stack>.tfplan, summary.json and summary.md")
      .requiredOption("--base <ref|dir>", "what is deployed, as for changes")
      .requiredOption("--out <dir>", "folder for the plans and the summary (emptied first)")
      .option("--parallelism <n>", "stacks planned at once", positiveInt, 2)
      .option("--shard <k/n>", "plan only the k-th of n deterministic slices of each wave (for a CI matrix)", shard)
      .option("--include <stack...>", "also plan these stacks though their JSON did not change (e.g. vault after a broker key change)", [])
      .option("--lock-timeout <duration>", "how long to wait for a state lock someone else holds", "5m"),
  ).action((o) => exit(planCommand({ base: o.base, out: o.out, parallelism: o.parallelism, shard: o.shard, include: o.include, lockTimeout: o.lockTimeout }, context(o))));

  program
    .command("apply")
    .description("apply saved plans wave by wave; stops at the first failure, and a rerun applies what is left")
    .requiredOption("--plans <dir...>", "folders vault-aws plan wrote (one per shard)")
    .option("--parallelism <n>", "stacks applied at once within a wave", positiveInt, 2)
    .option("--lock-timeout <duration>", "how long to wait for a state lock someone else holds (then the plan is stale and is refused)", "5m")
    .action((o) => exit(applyCommand({ plans: o.plans, parallelism: o.parallelism, lockTimeout: o.lockTimeout }, context({ config: DEFAULT_ACCOUNTS_FILE, outdir: "cdktf.out" }))));

  withConfig(
    program
      .command("drift")
      .description("plan every stack and list those whose real resources differ from the config; exit 2 on drift")
      .option("--parallelism <n>", "stacks planned at once", positiveInt, 2)
      .option("--shard <k/n>", "check only the k-th of n deterministic slices of the stacks", shard)
      .option("--json", "print {drifted, failed, skipped, inSync} as JSON on stdout", false),
  ).action((o) => exit(driftCommand({ parallelism: o.parallelism, shard: o.shard, json: o.json }, context(o))));

  program
    .command("guardrails")
    .description("the service control policy that protects the broker and the managed roles, as JSON (see README, Guardrails)")
    .option("--out <file>", "write it to this file instead of printing it")
    .addOption(new Option("--config <file>", "the accounts file").env("ACCOUNTS_FILE").default(DEFAULT_ACCOUNTS_FILE))
    .action(async (o) => exit((await import("./guardrails")).guardrailsMain({ config: o.config, out: o.out }, (l) => console.log(l), (l) => console.error(l))));

  program
    .command("revoke")
    .description("kill switch: deny every session of a role issued before now (writes revokeSessionsIssuedBefore into the config)")
    .requiredOption("--role <role>", "<account>/<role>, a Vault role such as dev-ec2-admin, or a vaultRoles name (all its roles)")
    .option("--at <time>", "revoke sessions issued before this RFC 3339 time instead of now")
    .addOption(new Option("--config <file>", "the accounts file").env("ACCOUNTS_FILE").default(DEFAULT_ACCOUNTS_FILE))
    .action(async (o) => exit((await import("./revoke")).revokeMain({ config: o.config, role: o.role, at: o.at }, (l) => console.log(l), (l) => console.error(l))));

  program
    .command("access")
    .description("who can get credentials for which account, with which permissions, for how long (from the same model as the stacks)")
    .addOption(configOption())
    .addOption(new Option("--format <format>", "terminal text, the whole matrix as JSON, markdown tables for a pull request, or one self-contained HTML page").choices(ACCESS_FORMATS).default("terminal"))
    .option("--out <file>", "write the report to this file instead of stdout")
    .addOption(new Option("--by <view>", "one section per requester (what it may request) or per account (who can get in)").choices(["requester", "account"]).default("requester"))
    .option("--requester <name...>", "only these requester groups (names or globs such as 'dev*')")
    .option("--account <name...>", "only these accounts (names, ids or globs)")
    .option("--tag <tag...>", "only accounts carrying one of these tags (or globs)")
    .option("--privileged", "only the paths that reach an admin-level role", false)
    .action((o) =>
      exit(
        accessCommand(
          {
            configFile: o.config,
            format: o.format,
            by: o.by,
            filter: { requesters: o.requester, accounts: o.account, tags: o.tag, privileged: o.privileged },
            out: o.out,
            color: process.stdout.isTTY === true && process.env.NO_COLOR === undefined,
          },
          { stdout: writeReport, note: (line) => console.error(line) },
        ),
      ),
    );

  program
    .command("explain")
    .description("every policy the synthesized stacks hand to AWS and Vault, readable")
    .option("--stack <name>", "only this stack")
    .addOption(new Option("--outdir <dir>", "the synth output").env("CDKTF_OUTDIR").default("cdktf.out"))
    .action(async (o) => exit((await import("../scripts/explain")).explainMain({ stack: o.stack, outdir: o.outdir })));

  program
    .command("sandbox")
    .description("deploy into a local AWS emulator and a Vault dev server, and prove every role through Vault")
    .addOption(configOption())
    .option("--work-dir <dir>", "synth output, state and Terraform config; reused by the next run", ".sandbox")
    .option("--endpoint <url>", "use an emulator already running at this URL instead of starting moto_server")
    .addOption(new Option("--via <how>", "apply with plain terraform per stack or with cdktf deploy").choices(["terraform", "cdktf"]).default("terraform"))
    .option("--parallelism <n>", "stacks applied at once", positiveInt, 2)
    .option("--no-vault", "the AWS half only: do not build or start Vault, do not apply the Vault stacks")
    .addOption(
      new Option("--vault-nodes <n>", "1: a Vault dev server; 3 or 5: a cluster with integrated storage (Raft), applied through its active node")
        .choices(["1", "3", "5"])
        .default("1"),
    )
    .option("--keep", "leave the emulator and Vault running after the checks, to explore them", false)
    .action(async (o, command: Command) =>
      exit(
        (await import("../sandbox/cli")).sandboxMain({
          config: o.config,
          configNamed: named(command, "config", "--config", "ACCOUNTS_FILE"),
          workDir: o.workDir,
          endpoint: o.endpoint,
          via: o.via,
          parallelism: o.parallelism,
          vault: o.vault,
          vaultNodes: Number(o.vaultNodes),
          keep: o.keep,
        }),
      ),
    );

  program
    .command("import-accounts")
    .description("add the organization's ACTIVE accounts the accounts file does not have (matched by id), keeping the rest of the file as written")
    .addOption(configOption())
    .option("--ou <id...>", "only the accounts under these OUs or roots, and the OUs below them (repeatable)", ouIds, [])
    .option("--role-sets <a,b>", "role sets each new account takes, from the file's roleSets:", commaList(ROLE_SET_NAME), [])
    .option("--tags <x,y>", "tags each new account gets", commaList(TAG), [])
    .option("--set-organization-id", "also write broker.organizationId from the organization when the file has none", false)
    .option("--dry-run", "print the report and the diff and write nothing; exit 2 when there is something to add", false)
    .action(async (o) => {
      const { importAccountsCommand } = await import("../pipeline/import-accounts");
      const { organizationsClient, readOrganization } = await import("../pipeline/organization");
      const note = (line: string) => console.error(line);
      const options = { configFile: o.config, ous: o.ou, roleSets: o.roleSets, tags: o.tags, setOrganizationId: o.setOrganizationId, dryRun: o.dryRun };
      return exit(importAccountsCommand(options, { readOrganization: (ous) => readOrganization(organizationsClient(), ous, note), log: (line) => console.log(line), note }));
    });

  program
    .command("bench")
    .description("synth time and memory at 10, 100 and 1,000 accounts, and changes at 1,000 (medians)")
    .option("--runs <n>", "runs per size", positiveInt, 5)
    .action(async (o) => exit((await import("../scripts/bench")).benchMain(o.runs)));

  return program;
}
