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
}

/**
 * `vault-aws synth` (and the cdktf app): validates the accounts file, synthesizes every stack into
 * the output folder and says what changed. Writes nothing when the config is not valid (throws
 * `ConfigError` or `QuotaError`).
 */
export const synthCommand: CommandHandler<SynthCommandOptions> = (options, ctx) => {
  // Local state stays in the project folder (where synth runs) wherever the output goes.
  const { changes } = synthesize({ configFile: options.config, outdir: options.outdir, localStateDir: process.cwd(), sandbox: sandboxFromEnv(ctx.env), warn: ctx.note });
  ctx.log(describeSynth(options.outdir, changes));
  return 0;
};
