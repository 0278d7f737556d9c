import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildApp } from "./app";
import { ACCESS_FILE, type AccessFile, accessOf } from "./lib/access";
import { loadConfig } from "./lib/config/load";
import type { AccountsConfig } from "./lib/config/schema";
import { configWarnings } from "./lib/config/warnings";
import { buildModel, type Model } from "./lib/model";
import { pruneStacks, stackFiles, type SynthChanges } from "./run/synth-output";
import type { SandboxOptions } from "./lib/sandbox";

/** Options of one synth. */
export interface SynthOptions {
  readonly configFile: string;
  readonly outdir: string;
  /** Where local state files live (the project folder). */
  readonly localStateDir: string;
  readonly sandbox?: SandboxOptions;
  /** Where config warnings go. */
  readonly warn: (line: string) => void;
}

/** What a synth made. */
export interface SynthResult {
  /** The config as validated (defaults applied, role sets expanded). */
  readonly config: AccountsConfig;
  readonly model: Model;
  readonly changes: SynthChanges;
}

/**
 * Validates the config, synthesizes every stack into `outdir`, removes the folders of stacks it no
 * longer makes, and writes the access model to `<outdir>/access.json`. Nothing is written unless
 * the whole config is valid (`ConfigError`, `QuotaError`).
 */
export function synthesize(options: SynthOptions): SynthResult {
  const config = loadConfig(options.configFile);
  for (const warning of configWarnings(config)) options.warn(`warning: ${options.configFile}: ${warning}`);
  const model = buildModel(config);
  // cdktf creates the output folder but not its parents (CDKTF_OUTDIR=build/out).
  mkdirSync(options.outdir, { recursive: true });
  const before = stackFiles(options.outdir);
  buildApp(model, { outdir: options.outdir, localStateDir: options.localStateDir, sandbox: options.sandbox }).synth();
  const access: AccessFile = { version: 1, grants: accessOf(model) };
  writeFileSync(join(options.outdir, ACCESS_FILE), `${JSON.stringify(access, null, 2)}\n`);
  return { config, model, changes: pruneStacks(options.outdir, before) };
}
