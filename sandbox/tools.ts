import { spawnSync } from "node:child_process";

/** Thrown when a tool the sandbox needs is missing; the message says how to get it. */
export class MissingToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MissingToolError";
  }
}

/** A command-line tool the sandbox runs, and how to get it. */
interface Tool {
  readonly command: string;
  readonly args: readonly string[];
  readonly howToGet: string;
}

const TERRAFORM: Tool = {
  command: "terraform",
  args: ["version"],
  howToGet:
    "the sandbox applies every stack with terraform 1.11 or later, which is not on the PATH: install it from https://developer.hashicorp.com/terraform/install",
};

const MOTO: Tool = {
  command: "moto_server",
  args: ["--help"],
  howToGet:
    "the sandbox runs moto_server as its AWS emulator, which is not on the PATH: pip install 'moto[server]==5.2.1', or pass --endpoint with an emulator you already run",
};

/** Whether a command runs at all on this PATH. */
function runs(tool: Tool, env: NodeJS.ProcessEnv): boolean {
  const result = spawnSync(tool.command, tool.args, { env, stdio: "ignore", timeout: 30_000 });
  return !result.error && result.status === 0;
}

/**
 * Checks the tools a sandbox run needs before it starts anything, and names every missing one
 * with how to get it: terraform, and moto_server unless an emulator is given.
 */
export function requireSandboxTools(options: { readonly emulatorGiven: boolean }, env: NodeJS.ProcessEnv = process.env): void {
  const needed = options.emulatorGiven ? [TERRAFORM] : [TERRAFORM, MOTO];
  const missing = needed.filter((tool) => !runs(tool, env));
  if (missing.length > 0) throw new MissingToolError(missing.map((tool) => `sandbox: ${tool.howToGet}`).join("\n"));
}
