#!/usr/bin/env node
import { DEFAULT_ACCOUNTS_FILE } from "./lib/config/load";
import { synthCommand } from "./cli/commands/synth";
import { failureMessage } from "./cli/failure";

/**
 * The program as a plain cdktf app (`node dist/main.js`), and what `vault-aws changes` runs to
 * synthesize a base commit: `vault-aws synth` with the accounts file from `ACCOUNTS_FILE` (else
 * accounts.yaml) and the output folder from `CDKTF_OUTDIR` (else cdktf.out). Exits 1 with the
 * error, unprefixed as it always was here, and writes nothing when the config is not valid.
 */
export function synthMain(
  configFile = process.env.ACCOUNTS_FILE || DEFAULT_ACCOUNTS_FILE,
  outdir = process.env.CDKTF_OUTDIR || "cdktf.out",
): number {
  const ctx = {
    env: process.env,
    log: (line: string) => console.log(line),
    write: (text: string) => process.stdout.write(text),
    note: (line: string) => console.error(line),
  };
  try {
    return synthCommand({ config: configFile, outdir }, ctx) as number;
  } catch (error) {
    console.error(failureMessage(error, configFile));
    return 1;
  }
}

if (require.main === module) process.exitCode = synthMain();
