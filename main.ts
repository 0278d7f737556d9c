#!/usr/bin/env node
import { ConfigError, DEFAULT_ACCOUNTS_FILE } from "./lib/config/load";
import { QuotaError } from "./lib/model";
import { describeSynth } from "./run/synth-output";
import { sandboxFromEnv } from "./lib/sandbox";
import { synthesize } from "./synth";

/**
 * `vault-aws synth` and the cdktf app: reads the accounts file (`ACCOUNTS_FILE`, else
 * accounts.yaml), synthesizes into `CDKTF_OUTDIR` (else cdktf.out) and says what changed. Exits 1
 * with the error, and writes nothing, when the config is not valid.
 */
export function synthMain(configFile = process.env.ACCOUNTS_FILE || DEFAULT_ACCOUNTS_FILE, outdir = process.env.CDKTF_OUTDIR || "cdktf.out"): number {
  try {
    // Local state stays in the project folder (where synth runs) wherever the output goes.
    const { changes } = synthesize({ configFile, outdir, localStateDir: process.cwd(), sandbox: sandboxFromEnv(process.env), warn: (line) => console.error(line) });
    console.log(describeSynth(outdir, changes));
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
    } else if (error instanceof QuotaError) {
      console.error(`${configFile} cannot be deployed within AWS quotas: ${error.message}`);
    } else {
      throw error;
    }
    return 1;
  }
}

if (require.main === module) process.exitCode = synthMain();
