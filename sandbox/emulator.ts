import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A running AWS emulator (moto_server) on the loopback interface. */
export interface Emulator {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly endpoint: string;
  readonly port: number;
  /** The moto_server process, for tests that need to stop it abruptly. */
  readonly process: ChildProcess;
  /** Stops the emulator and waits for it to exit. */
  stop(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Starts `moto_server` on 127.0.0.1 with AWS managed policies loaded (so `AmazonEC2FullAccess`
 * exists) and waits until it answers.
 */
export async function startEmulator(options: { port?: number; timeoutMs?: number } = {}): Promise<Emulator> {
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  // moto logs every request to stderr. Into a file, not a pipe: a pipe is drained only while this
  // process's event loop runs, and a full pipe blocks moto (a caller blocked in spawnSync on a tool
  // that talks to moto would deadlock).
  const logDir = mkdtempSync(join(tmpdir(), "vama-moto-"));
  const logFile = join(logDir, "moto.log");
  const log = openSync(logFile, "w");
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: "true" },
    stdio: ["ignore", "ignore", log],
  });
  closeSync(log);
  let failure = "";
  const stderr = () => (existsSync(logFile) ? readFileSync(logFile, "utf8").slice(-4000) : "") + failure;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.once("error", (error) => (failure += `\n${error.message}`));

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) {
        return {
          endpoint,
          port,
          process: child,
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
            await exited;
            rmSync(logDir, { recursive: true, force: true });
          },
        };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  const output = stderr().trim();
  rmSync(logDir, { recursive: true, force: true });
  throw new Error(`moto_server did not start on ${endpoint}: ${output || "no output"} (is moto installed? pip install 'moto[server]')`);
}

/**
 * Turns the emulator's credential checks on or off (moto's `INITIAL_NO_AUTH_ACTION_COUNT`, set at
 * run time through `/moto-api/reset-auth`). On, every call must be signed with a key that exists in
 * the emulator's IAM and is allowed by its policies, as AWS does; the sandbox deploys with checks
 * off (its throwaway key is no IAM user's) and turns them on to try keys.
 */
export async function enforceCredentials(emulator: Pick<Emulator, "endpoint">, on: boolean): Promise<void> {
  const response = await fetch(`${emulator.endpoint}/moto-api/reset-auth`, { method: "POST", body: on ? "0" : "inf" });
  if (!response.ok)
    throw new Error(
      `the emulator refused to turn credential checks ${on ? "on" : "off"}: HTTP ${response.status} ${await response.text()}`,
    );
}
