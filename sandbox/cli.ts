/**
 * `vault-aws sandbox` (`npm run sandbox`): deploys the AWS stacks into a local moto_server and the vault stack into a
 * Vault dev server, with the real Terraform, and proves every configured role can be assumed, both
 * with the broker's key and through Vault with each requester group's token. See README, "Sandbox".
 */
import { ConfigError } from "../lib/config/load";
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

/** Options of `vault-aws sandbox`, checked by the command line. */
export interface SandboxCommandOptions {
  /** Accounts file. */
  readonly config: string;
  /** How the file was named, for errors: `--config x`, `ACCOUNTS_FILE=x` or the default. */
  readonly configNamed: string;
  readonly workDir: string;
  readonly endpoint?: string;
  readonly via: "terraform" | "cdktf";
  readonly parallelism: number;
  /** False for the AWS half only. */
  readonly vault: boolean;
  readonly keep: boolean;
}

/** `vault-aws sandbox`: returns the exit code. */
export async function sandboxMain(args: SandboxCommandOptions): Promise<number> {
  const configFile = args.config;
  if (!existsSync(configFile)) {
    console.error(`sandbox: ${args.configNamed}: no such file; pass --config with the accounts file to use`);
    return 2;
  }
  const parallelism = args.parallelism;
  const log = (line: string) => console.log(line);
  const workDir = args.workDir;
  const keep = args.keep;
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
    const build = !args.vault ? undefined : await ensureVault(log);
    const result = await withEmulator(args.endpoint, keep, async (emulator) => {
      const sandbox = (vault?: VaultServer) =>
        runSandbox({ configFile, workDir, endpoint: args.endpoint, via: args.via, parallelism, vault, log }, emulator);
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

