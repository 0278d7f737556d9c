#!/usr/bin/env node
/**
 * `npm run sandbox`: deploys the AWS stacks into a local moto_server and the vault stack into a
 * Vault dev server, with the real Terraform, and proves every configured role can be assumed, both
 * with the broker's key and through Vault with each requester group's token. See README, "Sandbox".
 */
import { parseArgs } from "node:util";
import { ConfigError, DEFAULT_ACCOUNTS_FILE } from "../lib/config/load";
import { QuotaError } from "../lib/model";
import { StackFailure } from "./deploy";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { loadConfig } from "../lib/config/load";
import { buildModel } from "../lib/model";
import { keepEmulatorHints, keepVaultHints } from "./keep";
import { runSandbox, withEmulator, withVault } from "./run-sandbox";
import { MissingToolError, requireSandboxTools } from "./tools";
import { ensureVault } from "./vault-build";
import type { VaultServer } from "./vault-server";

const USAGE = `usage: npm run sandbox -- [--config FILE] [--work-dir DIR] [--endpoint URL] [--via terraform|cdktf] [--parallelism N] [--no-vault] [--keep]
  --config    accounts file (default: $ACCOUNTS_FILE, else ${DEFAULT_ACCOUNTS_FILE})
  --work-dir  synth output, state and Terraform config; reused by the next run (default: .sandbox)
  --endpoint  use an emulator already running at this URL instead of starting moto_server
  --via       apply with plain terraform per stack (default) or with cdktf deploy
  --parallelism  stacks applied at once (default 2)
  --no-vault  the AWS half only: do not build or start Vault, do not apply the vault stack
  --keep      leave the emulator and Vault running after the checks, to explore them`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        config: { type: "string" },
        "work-dir": { type: "string", default: ".sandbox" },
        endpoint: { type: "string" },
        via: { type: "string", default: "terraform" },
        keep: { type: "boolean", default: false },
        "no-vault": { type: "boolean", default: false },
        parallelism: { type: "string", default: "2" },
        help: { type: "boolean", default: false },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (args.via !== "terraform" && args.via !== "cdktf") {
    console.error(`--via ${args.via} is not known: use terraform or cdktf\n${USAGE}`);
    return 2;
  }
  const parallelism = Number(args.parallelism);
  if (!Number.isInteger(parallelism) || parallelism < 1) {
    console.error(`--parallelism ${args.parallelism} is not allowed: use a whole number from 1\n${USAGE}`);
    return 2;
  }
  const configFile = args.config ?? (process.env.ACCOUNTS_FILE || DEFAULT_ACCOUNTS_FILE);
  if (!existsSync(configFile)) {
    const named = args.config !== undefined ? `--config ${args.config}` : process.env.ACCOUNTS_FILE ? `ACCOUNTS_FILE=${process.env.ACCOUNTS_FILE}` : configFile;
    console.error(`sandbox: ${named}: no such file; pass --config with the accounts file to use\n${USAGE}`);
    return 2;
  }
  const log = (line: string) => console.log(line);
  const workDir = args["work-dir"]!;
  const keep = args.keep!;
  // What --keep prints is derived from the config, read once and only then.
  let kept: { model: ReturnType<typeof buildModel>; deployRoleName: string } | undefined;
  const keptModel = () => {
    if (!kept) {
      const config = loadConfig(configFile);
      kept = { model: buildModel(config), deployRoleName: config.deployment.roleName };
    }
    return kept;
  };
  try {
    // The tools first: nothing starts until terraform, moto_server and Vault (or Go to build it) are there.
    requireSandboxTools({ emulatorGiven: args.endpoint !== undefined });
    const build = args["no-vault"] ? undefined : await ensureVault(log);
    const result = await withEmulator(args.endpoint, keep, async (emulator) => {
      const sandbox = (vault?: VaultServer) =>
        runSandbox({ configFile, workDir, endpoint: args.endpoint, via: args.via as "terraform" | "cdktf", parallelism, vault, log }, emulator);
      const outcome = build
        ? await withVault(build, workDir, keep, log, async (vault) => {
            const ran = await sandbox(vault);
            if (keep) for (const line of await keepVaultHints(keptModel().model, vault, build.binary, resolve(workDir))) log(line);
            return ran;
          })
        : await sandbox();
      if (keep && emulator) {
        const { model, deployRoleName } = keptModel();
        for (const line of keepEmulatorHints(model, emulator.endpoint, emulator.process.pid, resolve(workDir), deployRoleName)) log(line);
        emulator.process.unref();
      }
      return outcome;
    });
    return result.ok ? 0 : 1;
  } catch (error) {
    if (error instanceof StackFailure) {
      console.error(`sandbox: ${error.message}\nThe stacks before it are applied; rerun the same command to converge.`);
    } else if (error instanceof ConfigError || error instanceof QuotaError || error instanceof MissingToolError) {
      console.error(error.message);
    } else {
      console.error(`sandbox: ${(error as Error).message}`);
    }
    return 1;
  }
}

main().then((code) => process.exit(code));
