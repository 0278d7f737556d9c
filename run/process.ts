import { spawn } from "node:child_process";

/**
 * Runs a command and collects its output (stdout and stderr together), never through a shell.
 * `onLine`, if given, sees each complete line as it arrives. The program's one process runner:
 * terraform, a base commit's synth and the sandbox's tools all run through it.
 */
export function run(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  onLine?: (line: string) => void,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let pending = "";
    const take = (chunk: Buffer) => {
      output += chunk;
      if (!onLine) return;
      const lines = (pending + chunk).split("\n");
      pending = lines.pop()!;
      for (const line of lines) onLine(line);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? 1, output }));
  });
}
