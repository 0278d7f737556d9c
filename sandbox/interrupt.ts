import type { ChildProcess } from "node:child_process";

/**
 * Servers the sandbox started, killed if the sandbox itself is interrupted (Ctrl-C, a closed
 * pipe such as `| head`, SIGTERM from CI), when its `finally` blocks never run.
 */
const running = new Set<ChildProcess>();
let installed = false;

function killAll(): void {
  for (const child of running) {
    try {
      // Vault runs in its own process group (a shell pipeline); moto is a single process.
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    } catch {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
  }
  running.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const)[signal]);
    });
  }
  // A closed stdout (`npm run sandbox | head`) makes the next write fail with EPIPE.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    killAll();
    process.exit(141);
  });
  process.once("exit", killAll);
}

/** Kills `child` if this process is interrupted or exits before `release` is called. */
export function killOnInterrupt(child: ChildProcess): () => void {
  install();
  running.add(child);
  return () => running.delete(child);
}
