import { sandboxFromEnv } from "../../lib/sandbox";
import { describeSynth } from "../../run/synth-output";
import { synthesize } from "../../synth";
import type { CommandHandler } from "../context";

/** Options of `vault-aws synth`. */
export interface SynthCommandOptions {
  /** The accounts file. */
  readonly config: string;
  /** Where the stacks are synthesized. */
  readonly outdir: string;
  /**
   * Say on stderr why only some `vault-roles-NN` stacks exist, and what to run next.
   * @default false - the plain cdktf app (`main.ts`) prints its one line only
   */
  readonly hints?: boolean;
}

/**
 * `vault-aws synth` (and the cdktf app): validates the accounts file, synthesizes every stack into
 * the output folder and says what changed. Writes nothing when the config is not valid (throws
 * `ConfigError` or `QuotaError`).
 */
export const synthCommand: CommandHandler<SynthCommandOptions> = (options, ctx) => {
  // Local state stays in the project folder (where synth runs) wherever the output goes.
  const { config, model, changes } = synthesize({
    configFile: options.config,
    outdir: options.outdir,
    localStateDir: process.cwd(),
    sandbox: sandboxFromEnv(ctx.env),
    warn: ctx.note,
  });
  ctx.log(describeSynth(options.outdir, changes));
  if (options.hints)
    for (const line of synthHints(
      model.vaultRoles.map((r) => r.stackName),
      config.vault.roleStacks,
      model.broker.identity === "user",
    ))
      ctx.note(line);
  return 0;
};

/**
 * Why the `vault-roles-NN` stacks are the ones they are, and what a new user runs next. With a
 * broker user (`keyMode`), the deploy is followed by `vault-aws broker-key`: Terraform holds no key,
 * so Vault's engine has none until that command gives it one.
 */
export function synthHints(roleStackNames: readonly string[], roleStacks: number, keyMode: boolean): string[] {
  const made = [...new Set(roleStackNames)].sort();
  return [
    `synth: the Vault roles fill ${made.length} of the ${roleStacks} vault-roles-NN stacks (vault.roleStacks)${made.length > 0 ? `: ${made.join(", ")}` : ""}. ` +
      "An account's roles go to the stack its name hashes to, and a role spanning accounts to the stack its own name hashes to, " +
      "so adding an account changes one roles stack; a stack that would hold no roles is not made.",
    "next: vault-aws explain (every policy, readable); vault-aws changes --base <deployed git ref> (what a deploy would change, offline); " +
      "vault-aws sandbox (deploy to a local emulator and prove every role); npx cdktf deploy '*' (deploy for real)" +
      (keyMode ? ", then vault-aws broker-key once (gives Vault's engine the broker user's key, which Terraform never holds)" : ""),
  ];
}
