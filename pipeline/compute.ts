import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sandboxFromEnv } from "../lib/sandbox";
import { synthesize } from "../synth";
import { baseSynth, resolveBase } from "./base";
import { type ChangeSet, compareOutputs, readSynthOutput, type SynthOutput } from "./changes";

/** What the pipeline commands synthesize: the config, the output folder, the environment, and where notes go. */
export interface SynthInput {
  readonly configFile: string;
  readonly outdir: string;
  readonly env: NodeJS.ProcessEnv;
  /** Progress and warnings (stderr). */
  readonly note: (line: string) => void;
}

/** The base and current synth outputs and what changes between them. */
export interface ComputedChanges {
  readonly base: SynthOutput;
  readonly current: SynthOutput;
  readonly set: ChangeSet;
}

/**
 * Synthesizes the current sources and config into the output folder and the base (a folder, or a
 * git ref's code and config, cached), at the same time, and compares them.
 */
export async function computeChanges(baseArg: string, ctx: SynthInput, include: readonly string[] = []): Promise<ComputedChanges> {
  const source = resolveBase(baseArg);
  // The base synth runs in a child process while the current one runs here.
  const pending = source.kind === "folder" ? Promise.resolve(source.outdir) : baseSynth(source, { configFile: ctx.configFile, outdir: ctx.outdir, env: ctx.env, log: ctx.note });
  pending.catch(() => undefined); // awaited below; a failure of the current synth must not leave it unhandled
  synthesize({ configFile: ctx.configFile, outdir: ctx.outdir, localStateDir: process.cwd(), sandbox: sandboxFromEnv(ctx.env), warn: ctx.note });
  const baseDir = await pending;
  const base = readSynthOutput(baseDir);
  const current = readSynthOutput(ctx.outdir);
  return { base, current, set: compareOutputs(base, current, include) };
}

/** Why a Vault stack is not planned or applied, or `undefined` when Vault is reachable. */
export function vaultSkipReason(env: NodeJS.ProcessEnv, configuredAddress: boolean): string | undefined {
  if (env.VAULT_ADDR || configuredAddress) return undefined;
  return "skipped: no Vault provider is available (VAULT_ADDR is not set and the config names no vault.address)";
}

export function configuredVaultAddress(outdir: string): boolean {
  // The vault stack's provider block carries the config's address, if any.
  const file = join(outdir, "stacks", "vault", "cdk.tf.json");
  if (!existsSync(file)) return false;
  const providers = JSON.parse(readFileSync(file, "utf8")).provider?.vault ?? [];
  return (providers as { address?: unknown }[]).some((p) => typeof p.address === "string");
}

