import { join } from "node:path";
import { sandboxFromEnv } from "../lib/sandbox";
import { synthesize } from "../synth";
import { type BaseKind, baseSynth, resolveBase } from "./base";
import { type ChangeSet, compareOutputs, readSynthOutput, type SynthOutput } from "./changes";
import { configuredVaultAddress } from "./vault-address";

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
export async function computeChanges(
  baseArg: string,
  ctx: SynthInput,
  include: readonly string[] = [],
  baseKind: BaseKind = "either",
): Promise<ComputedChanges> {
  const source = resolveBase(baseArg, process.cwd(), baseKind);
  // The base synth runs in a child process while the current one runs here.
  const pending =
    source.kind === "folder"
      ? Promise.resolve(source.outdir)
      : baseSynth(source, { configFile: ctx.configFile, outdir: ctx.outdir, env: ctx.env, log: ctx.note });
  pending.catch(() => undefined); // awaited below; a failure of the current synth must not leave it unhandled
  synthesize({
    configFile: ctx.configFile,
    outdir: ctx.outdir,
    localStateDir: process.cwd(),
    sandbox: sandboxFromEnv(ctx.env),
    warn: ctx.note,
  });
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

/** Whether the vault stack in `outdir` names an address (the config's `vault.address`). */
export function namesVaultAddress(outdir: string): boolean {
  return configuredVaultAddress(join(outdir, "stacks")) !== undefined;
}

/** What is deployed, as one of `--base-ref`, `--base-dir` or `--base` named it. */
export interface BaseFlags {
  /** A git ref: that commit's code runs, with a scrubbed environment, to synthesize its config. */
  readonly baseRef?: string;
  /** The output folder of an earlier synth. */
  readonly baseDir?: string;
  /** Either; an error when both a ref and a folder of that name exist. */
  readonly base?: string;
}

/** The one base the flags name, and which flag named it; an error unless exactly one is given. */
export function chosenBase(flags: BaseFlags): { readonly value: string; readonly kind: BaseKind } {
  const given = [
    flags.baseRef !== undefined && { value: flags.baseRef, kind: "ref" as const },
    flags.baseDir !== undefined && { value: flags.baseDir, kind: "dir" as const },
    flags.base !== undefined && { value: flags.base, kind: "either" as const },
  ].filter((b) => b !== false);
  if (given.length !== 1)
    throw new Error(
      `name what is deployed with exactly one of --base-ref <ref>, --base-dir <dir> or --base <ref|dir> (got ${given.length})`,
    );
  return given[0];
}
