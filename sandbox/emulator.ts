import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";

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
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: "true" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.once("error", (error) => (stderr += `\n${error.message}`));

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
          },
        };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`moto_server did not start on ${endpoint}: ${stderr.trim() || "no output"} (is moto installed? pip install 'moto[server]')`);
}
