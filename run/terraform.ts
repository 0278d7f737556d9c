import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { repoRoot } from "./repo-root";

/** A provider the synthesized stacks pin, installed offline from a filesystem mirror. */
export interface OfflineProvider {
  /** e.g. `registry.terraform.io/hashicorp/aws` */
  readonly address: string;
  readonly version: string;
  /** Environment variable that names its mirror folder. */
  readonly mirrorEnv: string;
  /** Folders tried before a search of the disk, besides the usual plugin folders. */
  readonly knownMirrors: readonly string[];
}

/** hashicorp/aws 5.100.0, which `@cdktf/provider-aws` 20.1.0 binds. */
export const AWS_PROVIDER: OfflineProvider = {
  address: "registry.terraform.io/hashicorp/aws",
  version: "5.100.0",
  mirrorEnv: "TF_PROVIDER_MIRROR",
  knownMirrors: ["/opt/tf-plugins", "/opt/terraform/plugins"],
};

/**
 * hashicorp/vault 5.6.0, which `@cdktf/provider-vault` 15.6.1 binds. No registry here serves it;
 * it is built from its public tag into `../shared/terraform-plugins` (see its PROVENANCE.md).
 */
export const VAULT_PROVIDER: OfflineProvider = {
  address: "registry.terraform.io/hashicorp/vault",
  version: "5.6.0",
  mirrorEnv: "TF_VAULT_PROVIDER_MIRROR",
  knownMirrors: [join(dirname(repoRoot()), "shared", "terraform-plugins"), "/work/shared/terraform-plugins"],
};

const PLATFORM = `${process.platform}_${process.arch === "x64" ? "amd64" : process.arch}`;

/**
 * The filesystem mirror holding a provider, found at run time: its environment variable if set,
 * else the usual plugin folders and its known mirrors, else a search of the disk.
 */
export function findProviderMirror(provider: OfflineProvider = AWS_PROVIDER): string {
  const holds = (dir: string) => existsSync(join(dir, provider.address, provider.version, PLATFORM));
  const fromEnv = process.env[provider.mirrorEnv];
  if (fromEnv) {
    if (!holds(fromEnv))
      throw new Error(`${provider.mirrorEnv}=${fromEnv} does not hold ${provider.address} ${provider.version} for ${PLATFORM}`);
    return fromEnv;
  }
  const candidates = [
    join(homedir(), ".terraform.d", "plugins"),
    join(homedir(), ".local", "share", "terraform", "plugins"),
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
    ...provider.knownMirrors,
  ];
  const known = candidates.find(holds);
  if (known) return known;
  const binary = `terraform-provider-${provider.address.split("/").pop()}_v${provider.version}`;
  const found = execFileSync("find", ["/", "-path", "/proc", "-prune", "-o", "-name", `${binary}*`, "-print", "-quit"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  }).trim();
  if (!found) {
    throw new Error(`no filesystem mirror holds ${provider.address} ${provider.version}; set ${provider.mirrorEnv} to one`);
  }
  // <mirror>/registry.terraform.io/hashicorp/<name>/<version>/<platform>/<binary>
  return dirname(dirname(dirname(dirname(dirname(dirname(found))))));
}

/**
 * Writes a Terraform CLI config that installs hashicorp/aws and hashicorp/vault from their mirrors
 * and nothing from the network, and returns the environment that uses it.
 */
export function offlineTerraformEnv(dir: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "terraform.rc");
  const mirrors = [AWS_PROVIDER, VAULT_PROVIDER].map(
    (provider) => `  filesystem_mirror {
    path    = ${JSON.stringify(findProviderMirror(provider))}
    include = ["${provider.address}"]
  }
`,
  );
  writeFileSync(file, `provider_installation {\n${mirrors.join("")}}\n`);
  return { ...base, TF_CLI_CONFIG_FILE: file, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
}
