import { Command, InvalidArgumentError, Option, type OptionValues } from "commander";
import type { z } from "zod";
import { DEFAULT_ACCOUNTS_FILE } from "../lib/config/load";
import { ROLE_SET_NAME, TAG } from "../lib/config/schema";
import { PARENT_ID } from "../pipeline/import-plan";
import { parseShard } from "../pipeline/changes";
import type { ACCESS_FORMATS, AccessCommandOptions } from "./commands/access";
import type { ApplyOptions } from "./commands/apply";
import type { BenchOptions } from "./commands/bench";
import type { BrokerKeyCommandOptions } from "./commands/broker-key";
import type { ChangesOptions } from "./commands/changes";
import type { CredentialsOptions } from "./commands/credentials";
import type { DriftOptions } from "./commands/drift";
import type { ExplainOptions } from "./commands/explain";
import type { GuardrailsOptions } from "./commands/guardrails";
import type { PlanOptions } from "./commands/plan";
import type { ProfilesOptions } from "./commands/profiles";
import type { RevokeOptions } from "./commands/revoke";
import type { SynthCommandOptions } from "./commands/synth";
import type { TraceOptions } from "./commands/trace";
import { type CommandContext, type CommandHandler, ERROR_PREFIX } from "./context";

/** The formats of `vault-aws access`, typed as the command's own list so the two cannot differ (a type-only import loads nothing). */
const FORMATS: typeof ACCESS_FORMATS = ["terminal", "json", "markdown", "html"];

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
  if (!PARENT_ID.test(value))
    throw new InvalidArgumentError(`"${value}" is not allowed: use an OU id such as ou-ab12-cdef3456, or a root id such as r-ab12`);
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

/**
 * The context every handler gets: results to stdout, progress, warnings and errors to stderr, so
 * `--json` output stays pure.
 */
function context(): CommandContext {
  return { env: process.env, log: (line) => console.log(line), write: writeReport, note: (line) => console.error(line) };
}

/**
 * Runs a handler, loaded only when its subcommand runs (so a subcommand loads only its own
 * modules), and sets the exit code. Every error ends the same way, whatever the command: one line
 * `vault-aws: <message>` on stderr (the message names the file, the field and the fix; never a
 * stack trace) and exit code 1.
 */
function exit<O>(load: () => Promise<CommandHandler<O>>, options: O & { readonly config?: string }): Promise<void> {
  return load()
    .then((handler) => handler(options, context()))
    .then(
      (code) => {
        process.exitCode = code;
      },
      async (error) => {
        const { failureMessage } = await import("./failure");
        console.error(`${ERROR_PREFIX}${failureMessage(error, options.config)}`);
        process.exitCode = 1;
      },
    );
}

/**
 * The action of a subcommand: its flags, as commander parsed them, turned into its handler's
 * options, then `exit`. Commander hands an action its flags untyped (`any`); this is the one place
 * they get a type: `F`, the type of `flags` in `options`, is what the subcommand's own flags parse
 * to, under commander's camel-cased names (a parser's value, the default, or absent when neither),
 * and must follow them when a flag is added or changed. Where a handler's options are the flags
 * themselves, `F` is the handler's options type.
 */
function handle<F extends OptionValues, O>(
  load: () => Promise<CommandHandler<O>>,
  options: (flags: F, command: Command) => O & { readonly config?: string },
): (this: Command) => Promise<void> {
  return function (this: Command) {
    return exit(load, options(this.opts<F>(), this));
  };
}

/** The flags of `vault-aws access`: its filters, before they become one `AccessFilter`. */
interface AccessFlags extends Pick<AccessCommandOptions, "format" | "by" | "out"> {
  readonly config: string;
  readonly requester?: readonly string[];
  readonly account?: readonly string[];
  readonly tag?: readonly string[];
  readonly privileged: boolean;
}

/** The flags of `vault-aws sandbox`: `--vault-nodes` is one of its choices, as text. */
interface SandboxFlags {
  readonly config: string;
  readonly workDir: string;
  readonly endpoint?: string;
  readonly via: "terraform" | "cdktf";
  readonly parallelism: number;
  readonly vault: boolean;
  readonly vaultNodes: string;
  readonly keep: boolean;
}

/** The flags of `vault-aws import-accounts`, before the handler's names. */
interface ImportAccountsFlags {
  readonly config: string;
  readonly ou: readonly string[];
  readonly roleSets: readonly string[];
  readonly tags: readonly string[];
  readonly setOrganizationId: boolean;
  readonly dryRun: boolean;
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
  const value: unknown = command.getOptionValue(key);
  const source = command.getOptionValueSource(key);
  return source === "cli" ? `${flag} ${String(value)}` : source === "env" ? `${env}=${String(value)}` : String(value);
}

/** The `vault-aws` command line. Each subcommand's `--help` lists its flags. */
export function buildProgram(): Command {
  const program = new Command("vault-aws")
    .description("HashiCorp Vault's AWS secrets engine across many AWS accounts, as cdktf code")
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: false });

  withConfig(
    program.command("synth").description("validate the accounts file and synthesize every stack (also what cdktf synth runs)"),
  ).action(
    handle(
      async () => (await import("./commands/synth")).synthCommand,
      (o: Pick<SynthCommandOptions, "config" | "outdir">) => ({ config: o.config, outdir: o.outdir, hints: true }),
    ),
  );

  withConfig(
    program
      .command("changes")
      .description("which stacks a change touches, in apply order, and who gains or loses access")
      .option(
        "--base-ref <ref>",
        "what is deployed, as a git ref: that commit's code runs to synthesize its config (cached), with no credentials in its environment",
      )
      .option("--base-dir <dir>", "what is deployed, as the output folder of an earlier synth")
      .option("--base <ref|dir>", "either of the above; an error when both a ref and a folder of that name exist")
      .option("--json", "print {create, update, destroy, unchanged, waves, access} as JSON on stdout", false),
  ).action(
    handle(
      async () => (await import("./commands/changes")).changesCommand,
      (o: ChangesOptions) => ({
        config: o.config,
        outdir: o.outdir,
        base: o.base,
        baseRef: o.baseRef,
        baseDir: o.baseDir,
        json: o.json,
      }),
    ),
  );

  withConfig(
    program
      .command("plan")
      .description("terraform plan of only the stacks a change touches; writes <out>/<stack>.tfplan, summary.json and summary.md")
      .option("--base-ref <ref>", "what is deployed, as a git ref (as for changes)")
      .option("--base-dir <dir>", "what is deployed, as an earlier synth's output folder")
      .option("--base <ref|dir>", "either of the above; an error when both match")
      .requiredOption("--out <dir>", "folder for the plans and the summary (emptied first, if an earlier plan made it)")
      .option("--parallelism <n>", "stacks planned at once", positiveInt, 2)
      .option("--shard <k/n>", "plan only the k-th of n deterministic slices of each wave (for a CI matrix)", shard)
      .option("--include <stack...>", "also plan these stacks though their JSON did not change (e.g. vault after a broker key change)", [])
      .option("--lock-timeout <duration>", "how long to wait for a state lock someone else holds", "5m")
      .option("--allow-vault-address", "let the config's vault.address receive VAULT_TOKEN though VAULT_ADDR differs", false)
      .option(
        "--read-only",
        "plan as the pipeline's plan identity (pull requests): AWS providers assume vault-aws-plan, no state lock; the plans cannot be applied",
        false,
      ),
  ).action(
    handle(
      async () => (await import("./commands/plan")).planCommand,
      (o: PlanOptions) => ({
        config: o.config,
        outdir: o.outdir,
        base: o.base,
        baseRef: o.baseRef,
        baseDir: o.baseDir,
        out: o.out,
        parallelism: o.parallelism,
        shard: o.shard,
        include: o.include,
        lockTimeout: o.lockTimeout,
        allowVaultAddress: o.allowVaultAddress,
        readOnly: o.readOnly,
      }),
    ),
  );

  program
    .command("apply")
    .description("apply saved plans wave by wave; stops at the first failure, and a rerun applies what is left")
    .requiredOption("--plans <dir...>", "folders vault-aws plan wrote (one per shard)")
    .option("--parallelism <n>", "stacks applied at once within a wave", positiveInt, 2)
    .option(
      "--lock-timeout <duration>",
      "how long to wait for a state lock someone else holds (then the plan is stale and is refused)",
      "5m",
    )
    .option("--allow-vault-address", "let the plans' vault.address receive VAULT_TOKEN though VAULT_ADDR differs", false)
    .action(
      handle(
        async () => (await import("./commands/apply")).applyCommand,
        (o: ApplyOptions) => ({
          plans: o.plans,
          parallelism: o.parallelism,
          lockTimeout: o.lockTimeout,
          allowVaultAddress: o.allowVaultAddress,
        }),
      ),
    );

  withConfig(
    program
      .command("drift")
      .description("plan every stack and list those whose real resources differ from the config; exit 2 on drift")
      .option("--parallelism <n>", "stacks planned at once", positiveInt, 2)
      .option("--shard <k/n>", "check only the k-th of n deterministic slices of the stacks", shard)
      .option("--json", "print {drifted, failed, skipped, inSync} as JSON on stdout", false)
      .option("--read-only", "check as the pipeline's plan identity: AWS providers assume vault-aws-plan", false),
  ).action(
    handle(
      async () => (await import("./commands/drift")).driftCommand,
      (o: DriftOptions) => ({
        config: o.config,
        outdir: o.outdir,
        parallelism: o.parallelism,
        shard: o.shard,
        json: o.json,
        readOnly: o.readOnly,
      }),
    ),
  );

  program
    .command("broker-key")
    .description(
      "key mode: give Vault's engine the broker user's key when it holds none; Vault rotates it at once, so no state or plan ever holds a live key. " +
        "Runs as the apply identity (VAULT_ADDR, VAULT_TOKEN, and AWS credentials that may assume the broker account's deployment role)",
    )
    .addOption(configOption())
    .option("--allow-vault-address", "let the config's vault.address receive VAULT_TOKEN though VAULT_ADDR differs", false)
    .action(
      handle(
        async () => (await import("./commands/broker-key")).brokerKeyCommand,
        (o: BrokerKeyCommandOptions) => ({
          config: o.config,
          allowVaultAddress: o.allowVaultAddress,
        }),
      ),
    );

  program
    .command("guardrails")
    .description("the service control policy that protects the broker and the managed roles, as JSON (see docs/security.md, Guardrails)")
    .option("--out <file>", "write it to this file instead of printing it")
    .addOption(new Option("--config <file>", "the accounts file").env("ACCOUNTS_FILE").default(DEFAULT_ACCOUNTS_FILE))
    .action(
      handle(
        async () => (await import("./commands/guardrails")).guardrailsCommand,
        (o: GuardrailsOptions) => ({ config: o.config, out: o.out }),
      ),
    );

  program
    .command("revoke")
    .description("kill switch: deny every session of a role issued before now (writes revokeSessionsIssuedBefore into the config)")
    .requiredOption("--role <role>", "<account>/<role>, a Vault role such as dev-ec2-admin, or a vaultRoles name (all its roles)")
    .option("--at <time>", "revoke sessions issued before this RFC 3339 time instead of now")
    .option("--force", "accept an --at in the future, which denies every session of the role until then", false)
    .addOption(new Option("--config <file>", "the accounts file").env("ACCOUNTS_FILE").default(DEFAULT_ACCOUNTS_FILE))
    .action(
      handle(
        async () => (await import("./commands/revoke")).revokeCommand,
        (o: RevokeOptions) => ({ config: o.config, role: o.role, at: o.at, force: o.force }),
      ),
    );

  program
    .command("access")
    .description("who can get credentials for which account, with which permissions, for how long (from the same model as the stacks)")
    .addOption(configOption())
    .addOption(
      new Option(
        "--format <format>",
        "terminal text, the whole matrix as JSON, markdown tables for a pull request, or one self-contained HTML page",
      )
        .choices(FORMATS)
        .default("terminal"),
    )
    .option("--out <file>", "write the report to this file instead of stdout")
    .addOption(
      new Option("--by <view>", "one section per requester (what it may request) or per account (who can get in)")
        .choices(["requester", "account"])
        .default("requester"),
    )
    .option("--requester <name...>", "only these requester groups (names or globs such as 'dev*')")
    .option("--account <name...>", "only these accounts (names, ids or globs)")
    .option("--tag <tag...>", "only accounts carrying one of these tags (or globs)")
    .option("--privileged", "only the paths that reach an admin-level role", false)
    .action(
      handle(
        async () => (await import("./commands/access")).accessCommand,
        (o: AccessFlags) => ({
          config: o.config,
          configFile: o.config,
          format: o.format,
          by: o.by,
          filter: { requesters: o.requester, accounts: o.account, tags: o.tag, privileged: o.privileged },
          out: o.out,
          color: process.stdout.isTTY === true && process.env.NO_COLOR === undefined,
        }),
      ),
    );

  program
    .command("explain")
    .description("every policy the synthesized stacks hand to AWS and Vault, readable")
    .option("--stack <name>", "only this stack")
    .addOption(configOption())
    .addOption(new Option("--outdir <dir>", "the synth output").env("CDKTF_OUTDIR").default("cdktf.out"))
    .option("--no-synth", "explain the last synth as it is (warns when the accounts file is newer) instead of synthesizing first")
    .action(
      handle(
        async () => (await import("./commands/explain")).explainCommand,
        (o: ExplainOptions) => ({
          config: o.config,
          outdir: o.outdir,
          stack: o.stack,
          synth: o.synth,
        }),
      ),
    );

  program
    .command("sandbox")
    .description("deploy into a local AWS emulator and a Vault dev server, and prove every role through Vault")
    .addOption(configOption())
    .option("--work-dir <dir>", "synth output, state and Terraform config; reused by the next run", ".sandbox")
    .option("--endpoint <url>", "use an emulator already running at this URL instead of starting moto_server")
    .addOption(
      new Option("--via <how>", "apply with plain terraform per stack or with cdktf deploy")
        .choices(["terraform", "cdktf"])
        .default("terraform"),
    )
    .option("--parallelism <n>", "stacks applied at once", positiveInt, 2)
    .option("--no-vault", "the AWS half only: do not build or start Vault, do not apply the Vault stacks")
    .addOption(
      new Option(
        "--vault-nodes <n>",
        "1: a Vault dev server; 3 or 5: a cluster with integrated storage (Raft), applied through its active node",
      )
        .choices(["1", "3", "5"])
        .default("1"),
    )
    .option("--keep", "leave the emulator and Vault running after the checks, to explore them", false)
    .action(
      handle(
        async () => (await import("./commands/sandbox")).sandboxCommand,
        (o: SandboxFlags, command) => ({
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
    .description(
      "add the organization's ACTIVE accounts the accounts file does not have (matched by id), keeping the rest of the file as written",
    )
    .addOption(configOption())
    .option("--ou <id...>", "only the accounts under these OUs or roots, and the OUs below them (repeatable)", ouIds, [])
    .option("--role-sets <a,b>", "role sets each new account takes, from the file's roleSets:", commaList(ROLE_SET_NAME), [])
    .option("--tags <x,y>", "tags each new account gets", commaList(TAG), [])
    .option("--set-organization-id", "also write broker.organizationId from the organization when the file has none", false)
    .option("--dry-run", "print the report and the diff and write nothing; exit 2 when there is something to add", false)
    .action(
      handle(
        async () => (await import("./commands/import-accounts")).importAccountsCommand,
        (o: ImportAccountsFlags) => ({
          config: o.config,
          configFile: o.config,
          ous: o.ou,
          roleSets: o.roleSets,
          tags: o.tags,
          setOrganizationId: o.setOrganizationId,
          dryRun: o.dryRun,
        }),
      ),
    );

  program
    .command("credentials")
    .description("AWS credential_process JSON for one Vault role, cached until shortly before expiry (what generated profiles run)")
    .addHelpText(
      "after",
      "\nRuns as: your own Vault token (VAULT_TOKEN, the token helper or ~/.vault-token) at VAULT_ADDR; Vault's ACL decides.\nExit codes: 3 no token, 4 token expired, 5 denied, 6 Vault unreachable, 7 --role-arn needed.",
    )
    .requiredOption("--role <name>", "the Vault role, e.g. dev-ec2-admin")
    .option("--role-arn <arn>", "the role ARN, for a Vault role that spans several")
    .option("--ttl <duration>", "how long the credentials live (Vault caps it at the role's maximum)")
    .option("--mount <path>", "where the AWS secrets engine is mounted", "aws")
    .option("--address <url>", "Vault's address (default: VAULT_ADDR)")
    .addOption(configOption())
    .action(
      handle(
        async () => (await import("./commands/credentials")).credentialsCommand,
        (o: CredentialsOptions) => o,
      ),
    );

  program
    .command("profiles")
    .description("write one AWS profile per Vault role and ARN you may get into a managed block of ~/.aws/config (rerun: idempotent)")
    .addHelpText(
      "after",
      "\nRuns as: you. --requester reads the accounts file and calls nothing; --from-token reads your token's own ACL from Vault.\nThe profiles run `vault-aws credentials`, which gets only what Vault grants your token.",
    )
    .option("--requester <name>", "the requester group whose grants become profiles, from the accounts file")
    .option("--from-token", "no accounts file: ask Vault which STS paths your token may write", false)
    .addOption(configOption())
    .option("--file <path>", "the AWS config file (default: AWS_CONFIG_FILE, else ~/.aws/config)")
    .option("--name <pattern>", "profile names, from {account}, {role}, {accountId} and {vaultRole}", "{account}-{role}")
    .option("--region <region>", "region of profiles whose account's region is unknown (default: AWS_REGION, else us-east-1)")
    .option("--mount <path>", "where the AWS secrets engine is mounted (default: the accounts file's, else aws)")
    .action(
      handle(
        async () => (await import("./commands/profiles")).profilesCommand,
        (o: ProfilesOptions) => o,
      ),
    );

  program
    .command("trace")
    .description(
      "who requested an AWS session (by access key id or session name), or --who: the sessions a person was issued, from Vault's audit log",
    )
    .addHelpText("after", "\nRuns as: you, reading the log file; it calls nothing and writes only to stdout.")
    .argument("[key-or-session]", "an access key id (CloudTrail's userIdentity.accessKeyId) or a session name (vault-<login>-<role>-…)")
    .option("--who <name>", "a person: the display name (jwt-alice), the alias name (alice) or the entity id")
    .option("--since <time>", "with --who: from this RFC 3339 time")
    .option("--until <time>", "with --who: up to this RFC 3339 time")
    .requiredOption("--log <file>", "Vault's audit log (JSON lines), or - for stdin")
    .option("--json", "one JSON object per issuance", false)
    .action(
      handle(
        async () => (await import("./commands/trace")).traceCommand,
        (o: Omit<TraceOptions, "target">, command) => ({ ...o, target: command.args.at(0) }),
      ),
    );

  program
    .command("bench")
    .description("synth time and memory at 10, 100 and 1,000 accounts, and changes at 1,000 (medians)")
    .option("--runs <n>", "runs per size", positiveInt, 5)
    .action(
      handle(
        async () => (await import("./commands/bench")).benchCommand,
        (o: BenchOptions) => ({ runs: o.runs }),
      ),
    );

  return program;
}
