import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

/** The provider the synthesized stacks pin, found offline in a filesystem mirror. */
export const AWS_PROVIDER = { address: "registry.terraform.io/hashicorp/aws", version: "5.100.0" } as const;

const PLATFORM = `${process.platform}_${process.arch === "x64" ? "amd64" : process.arch}`;

/**
 * The filesystem mirror holding hashicorp/aws 5.100.0, found at run time: `TF_PROVIDER_MIRROR` if
 * set, else the usual plugin folders, else a search of the disk.
 */
export function findProviderMirror(): string {
  const holds = (dir: string) => existsSync(join(dir, AWS_PROVIDER.address, AWS_PROVIDER.version, PLATFORM));
  const fromEnv = process.env.TF_PROVIDER_MIRROR;
  if (fromEnv) {
    if (!holds(fromEnv)) throw new Error(`TF_PROVIDER_MIRROR=${fromEnv} does not hold ${AWS_PROVIDER.address} ${AWS_PROVIDER.version} for ${PLATFORM}`);
    return fromEnv;
  }
  const candidates = [
    join(homedir(), ".terraform.d", "plugins"),
    join(homedir(), ".local", "share", "terraform", "plugins"),
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
    "/opt/tf-plugins",
    "/opt/terraform/plugins",
  ];
  const known = candidates.find(holds);
  if (known) return known;
  const found = execFileSync(
    "find",
    ["/", "-path", "/proc", "-prune", "-o", "-name", `terraform-provider-aws_v${AWS_PROVIDER.version}*`, "-print", "-quit"],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
  ).trim();
  if (!found) {
    throw new Error(`no filesystem mirror holds ${AWS_PROVIDER.address} ${AWS_PROVIDER.version}; set TF_PROVIDER_MIRROR to one`);
  }
  // <mirror>/registry.terraform.io/hashicorp/aws/<version>/<platform>/<binary>
  return dirname(dirname(dirname(dirname(dirname(dirname(found))))));
}

/**
 * Writes a Terraform CLI config that installs hashicorp/aws from the mirror and nothing from the
 * network, and returns the environment that uses it.
 */
export function offlineTerraformEnv(dir: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "terraform.rc");
  writeFileSync(
    file,
    `provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(findProviderMirror())}
    include = ["${AWS_PROVIDER.address}"]
  }
}
`,
  );
  return { ...base, TF_CLI_CONFIG_FILE: file, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
}

/** Runs a command and collects its output (stdout and stderr together), never through a shell. */
export function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/** Runs terraform in a stack directory, without colour codes. */
export function terraform(dir: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return run("terraform", [...args, "-no-color"], dir, env);
}
