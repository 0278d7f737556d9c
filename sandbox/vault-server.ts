import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./emulator";
import { VaultClient } from "../run/vault-client";

/** A running `vault server -dev` on the loopback interface. */
export interface VaultServer {
  /** e.g. `http://127.0.0.1:40123` */
  readonly address: string;
  /** The shell pipeline that runs Vault and filters its log; its process group is Vault's. */
  readonly process: ChildProcess;
  /** A client holding the root token. The token lives in this process's memory only. */
  readonly root: VaultClient;
  /** `VAULT_ADDR` and `VAULT_TOKEN` for terraform's Vault provider; passed by environment, never written. */
  readonly env: Readonly<{ VAULT_ADDR: string; VAULT_TOKEN: string }>;
  /** The server's log, with the root token and unseal key lines blanked out by the pipeline. */
  readonly logFile: string;
  /** Stops Vault (SIGTERM to its process group) and waits for the pipeline to exit. */
  stop(): Promise<void>;
  /** Kills Vault at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Starts it again on the same address with the same root token; a dev server starts empty. */
  restart(): Promise<void>;
  /** Leaves it running after this process exits. */
  detach(): void;
}

/** Options of `startVault`. */
export interface StartVaultOptions {
  /** The Vault binary (see `ensureVault`). */
  readonly binary: string;
  /** Folder for the server's (filtered) log. */
  readonly logDir: string;
  /** @default - a free port on 127.0.0.1 */
  readonly port?: number;
  /** @default 30000 */
  readonly timeoutMs?: number;
  /**
   * More environment for Vault: the AWS credentials of the role it runs as, for a keyless broker
   * (see `awsEnvironment`).
   * @default - none: Vault has no AWS credentials of its own, and the engine uses the broker's key
   */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Starts Vault in dev mode on 127.0.0.1 with a random root token, and waits until it is unsealed.
 *
 * The token reaches Vault through `VAULT_DEV_ROOT_TOKEN_ID` (an environment variable, so `ps` does
 * not show it), `-dev-no-store-token` keeps it out of `~/.vault-token`, and the lines of the dev
 * banner that print it go through `sed`, which blanks them before the log reaches its file. The log
 * goes to a file (not to this process) so that a kept server keeps logging after the sandbox exits.
 */
export async function startVault(options: StartVaultOptions): Promise<VaultServer> {
  const port = options.port ?? (await freePort());
  const address = `http://127.0.0.1:${port}`;
  const token = `sandbox-root-${randomBytes(24).toString("hex")}`;
  mkdirSync(options.logDir, { recursive: true });
  const logFile = join(options.logDir, "vault-server.log");
  let child = await launch(options.binary, port, token, logFile, options.env);
  const root = new VaultClient(address, token);
  await waitUntilReady(root, child, logFile, options.timeoutMs ?? 30_000);

  const signal = (name: NodeJS.Signals) => signalGroup(child, name);
  const server: VaultServer = {
    address,
    get process() {
      return child;
    },
    root,
    env: { VAULT_ADDR: address, VAULT_TOKEN: token },
    logFile,
    stop: () => signal("SIGTERM"),
    kill: () => signal("SIGKILL"),
    restart: async () => {
      await signal("SIGTERM");
      child = await launch(options.binary, port, token, logFile, options.env);
      await waitUntilReady(root, child, logFile, options.timeoutMs ?? 30_000);
    },
    detach: () => child.unref(),
  };
  return server;
}

/** Sends `name` to the process group of `child` (a detached shell and what it runs) and waits for it to exit. */
export async function signalGroup(child: ChildProcess, name: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    process.kill(-child.pid!, name);
  } catch {
    // already gone
  }
  await exited;
}

/** A `VaultServer` or one node of a `VaultCluster`: where terraform and the checks reach Vault, with the root token. */
export type VaultEndpoint = Pick<VaultServer, "address" | "root" | "env">;

function launch(
  binary: string,
  port: number,
  token: string,
  logFile: string,
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<ChildProcess> {
  const script = `exec "$VAULT_BINARY_PATH" server -dev -dev-no-store-token -dev-no-kv -dev-listen-address="127.0.0.1:$VAULT_PORT" 2>&1 | sed -u -E 's/(Root Token|Unseal Key): .*/\\1: (not shown)/' >> "$VAULT_LOG"`;
  const child = spawn("sh", ["-c", script], {
    // Its own process group, so stopping it reaches Vault and sed; detached also lets --keep leave it running.
    detached: true,
    stdio: "ignore",
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      VAULT_BINARY_PATH: binary,
      VAULT_PORT: String(port),
      VAULT_LOG: logFile,
      VAULT_DEV_ROOT_TOKEN_ID: token,
      // The dev server's own API address for its CLI helpers; it never calls out.
      VAULT_ADDR: `http://127.0.0.1:${port}`,
      ...extraEnv,
    },
  });
  return new Promise((resolve, reject) => {
    child.once("spawn", () => resolve(child));
    child.once("error", reject);
  });
}

async function waitUntilReady(client: VaultClient, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    try {
      const health = await fetch(`${client.address}/v1/sys/health`);
      if (health.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {
    // already gone
  }
  let log = "";
  try {
    log = readFileSync(logFile, "utf8").trim().split("\n").slice(-15).join("\n");
  } catch {
    // no log yet
  }
  throw new Error(`vault server -dev did not start on ${client.address}:\n${log || "no output"}`);
}
