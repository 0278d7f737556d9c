/**
 * `vault-aws sandbox` (`npm run sandbox`): deploys the AWS stacks into a local moto_server and the vault stack into a
 * Vault dev server, with the real Terraform, and proves every configured role can be assumed, both
 * with the broker's key and through Vault with each requester group's token. See docs/sandbox.md.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { loadConfig } from "../../lib/config/load";
import { buildModel } from "../../lib/model";
import { brokerRoleSession } from "../../sandbox/broker-role";
import { keepEmulatorHints, keepVaultHints } from "../../sandbox/keep";
import { runSandbox, withEmulator, withVault } from "../../sandbox/run-sandbox";
import { requireSandboxTools } from "../../sandbox/tools";
import { ensureVault } from "../../sandbox/vault-build";
import type { VaultEndpoint } from "../../sandbox/vault-server";
import { keepClusterHints, withVaultCluster } from "../../sandbox/cluster-sandbox";
import { StackFailure } from "../../run/runner";
import type { CommandHandler } from "../context";

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
  /** 1: a Vault dev server; 3 or 5: a cluster of that many servers with integrated storage (Raft). */
  readonly vaultNodes: number;
  readonly keep: boolean;
}

/**
 * `vault-aws sandbox`: returns the exit code (2: no accounts file). Runs as the user, with the
 * user's tools (terraform, moto_server, Vault built from the pinned module): it deploys only to the
 * emulator and the Vault dev server it starts on 127.0.0.1, with throwaway keys, and never reads
 * the user's AWS credentials or Vault token. Hostile code in the repository could still do
 * anything the user can, as any `npm` script could.
 */
export const sandboxCommand: CommandHandler<SandboxCommandOptions> = async (args, ctx) => {
  const configFile = args.config;
  if (!existsSync(configFile)) {
    ctx.note(`sandbox: ${args.configNamed}: no such file; pass --config with the accounts file to use`);
    return 2;
  }
  const parallelism = args.parallelism;
  const log = ctx.log;
  const workDir = args.workDir;
  const keep = args.keep;
  try {
    // The tools first: nothing starts until terraform, moto_server and Vault (or Go to build it) are there.
    requireSandboxTools({ emulatorGiven: args.endpoint !== undefined });
    // The config next, read once: a keyless broker's role is needed before Vault starts, and --keep
    // prints what it holds.
    const config = loadConfig(configFile);
    const model = buildModel(config);
    const deployRoleName = config.deployment.roleName;
    const build = !args.vault ? undefined : await ensureVault(log);
    const result = await withEmulator(args.endpoint, keep, async (emulator) => {
      const sandbox = (vault?: VaultEndpoint) =>
        runSandbox({ configFile, workDir, endpoint: args.endpoint, via: args.via, parallelism, vault, log }, emulator);
      // A keyless broker: Vault runs as a role, so a session of it is in Vault's environment from
      // the start, as its runtime would put it there.
      const aws = { endpoint: args.endpoint ?? emulator!.endpoint, region: model.vault.region };
      const awsCredentials =
        build && model.broker.identity === "role" ? await brokerRoleSession(model, aws, deployRoleName, log) : undefined;
      const vaultOptions = { workDir, keep, log, awsCredentials, awsRegion: model.vault.region };
      const outcome = !build
        ? await sandbox()
        : args.vaultNodes > 1
          ? await withVaultCluster(build, args.vaultNodes, vaultOptions, async (cluster) => {
              // Through the active node, as a load balancer that checks sys/health sends it.
              const ran = await sandbox(cluster.through(await cluster.leader()));
              if (keep) for (const line of await keepClusterHints(model, cluster, build.binary, workDir)) log(line);
              return ran;
            })
          : await withVault(build, vaultOptions, async (vault) => {
              const ran = await sandbox(vault);
              if (keep) for (const line of await keepVaultHints(model, vault, build.binary, resolve(workDir), aws.endpoint)) log(line);
              return ran;
            });
      if (keep && emulator) {
        for (const line of keepEmulatorHints(model, emulator.endpoint, emulator.process.pid, resolve(workDir), deployRoleName)) log(line);
        emulator.process.unref();
      }
      return outcome;
    });
    return result.ok ? 0 : 1;
  } catch (error) {
    // Every other error (the config, a missing tool) is the program's to print, as for every command.
    if (error instanceof StackFailure)
      throw new Error(`sandbox: ${error.message}\nThe stacks before it are applied; rerun the same command to converge.`);
    throw error;
  }
};
