#!/usr/bin/env node
import { mkdirSync } from "node:fs";
import { buildApp } from "./app";
import { ConfigError, DEFAULT_ACCOUNTS_FILE, loadConfig } from "./lib/config/load";
import { configWarnings } from "./lib/config/warnings";
import { buildModel, QuotaError } from "./lib/model";
import { describeSynth, pruneStacks, stackFiles } from "./lib/output-folder";
import { sandboxFromEnv } from "./lib/sandbox";

// Reads the accounts file, builds the app and synthesizes it. Nothing is written unless the
// whole config is valid.
const file = process.env.ACCOUNTS_FILE || DEFAULT_ACCOUNTS_FILE;
try {
  const config = loadConfig(file);
  for (const warning of configWarnings(config)) console.error(`warning: ${file}: ${warning}`);
  const model = buildModel(config);
  const outdir = process.env.CDKTF_OUTDIR || "cdktf.out";
  // cdktf creates the output folder but not its parents (CDKTF_OUTDIR=build/out).
  mkdirSync(outdir, { recursive: true });
  const before = stackFiles(outdir);
  // Local state stays in the project folder (where synth runs) wherever the output goes.
  buildApp(model, { outdir, localStateDir: process.cwd(), sandbox: sandboxFromEnv(process.env) }).synth();
  console.log(describeSynth(outdir, pruneStacks(outdir, before)));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else if (error instanceof QuotaError) {
    console.error(`${file} cannot be deployed within AWS quotas: ${error.message}`);
  } else {
    throw error;
  }
  process.exitCode = 1;
}
