import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { cacheDir } from "../run/cache";
import { repoRoot } from "../run/repo-root";
import { MissingToolError } from "./tools";

/** The wrapper module that pins Vault: `go.mod`, `go.sum` and a `main.go` of a few lines. */
export const VAULT_MODULE_DIR = join(repoRoot(), "sandbox", "vault");

/** The files that pin the build; the cache key is their hash, with the build flags. */
const PINNING_FILES = ["go.mod", "go.sum", "main.go"];

/** Vault's release builds are static; stripping symbols halves the 500 MB binary and its link time. */
const BUILD_ARGS = ["build", "-trimpath", "-ldflags=-s -w"];
const BUILD_ENV = { CGO_ENABLED: "0" };

/** Environment variable naming a Vault binary to use instead of the cached build. */
export const VAULT_BINARY_ENV = "VAULT_BINARY";

/** Where built Vault binaries are kept: the program's cache, outside the repo. */
export { cacheDir };

/** The cache key: a hash of the pinning files and the build flags, so any change to them rebuilds. */
export function buildKey(moduleDir: string = VAULT_MODULE_DIR): string {
  const hash = createHash("sha256");
  for (const file of PINNING_FILES)
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(moduleDir, file)))
      .update("\0");
  hash.update(JSON.stringify({ BUILD_ARGS, BUILD_ENV, platform: process.platform, arch: process.arch }));
  return hash.digest("hex").slice(0, 16);
}

/** The Vault version the wrapper module pins, read from its `go.mod`. */
export function pinnedVaultVersion(moduleDir: string = VAULT_MODULE_DIR): string {
  const match = /^\s*(?:require\s+)?github\.com\/hashicorp\/vault (v\S+)/m.exec(readFileSync(join(moduleDir, "go.mod"), "utf8"));
  if (!match) throw new Error(`${join(moduleDir, "go.mod")} does not require github.com/hashicorp/vault`);
  return match[1];
}

/** Path of the cached binary for the current pinning files, whether or not it is built yet. */
export function cachedBinaryPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), `vault-${pinnedVaultVersion()}-${buildKey()}`, "vault");
}

/** The Go toolchain's version, or a `MissingToolError` that says where to get one. */
export function goVersion(env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync("go", ["version"], { encoding: "utf8", env });
  if (result.error || result.status !== 0) {
    throw new MissingToolError(
      "the sandbox builds Vault from Go modules and needs the Go toolchain (1.25 or later), which is not on the PATH: " +
        `install it from https://go.dev/dl/, or set ${VAULT_BINARY_ENV} to a Vault 1.17.2+ binary you already have`,
    );
  }
  return result.stdout.trim();
}

/** What `ensureVault` found or did. */
export interface VaultBuild {
  readonly binary: string;
  readonly version: string;
  /** `env` (from `VAULT_BINARY`), `cache` (reused), or `built` (just now). */
  readonly source: "env" | "cache" | "built";
  /** Seconds the build took; 0 unless `source` is `built`. */
  readonly seconds: number;
}

/**
 * The Vault binary the sandbox runs: `VAULT_BINARY` if set, else the cached build of the pinned
 * wrapper module, built now if missing (about 16 minutes cold on 2 cores, most of it compiling).
 * The build goes to a temporary name and is renamed into place, so an interrupted build is never
 * mistaken for a finished one.
 */
export async function ensureVault(log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<VaultBuild> {
  const fromEnv = env[VAULT_BINARY_ENV];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new MissingToolError(`${VAULT_BINARY_ENV}=${fromEnv} does not exist`);
    return { binary: fromEnv, version: "from " + VAULT_BINARY_ENV, source: "env", seconds: 0 };
  }
  const version = pinnedVaultVersion();
  const binary = cachedBinaryPath(env);
  if (existsSync(binary)) {
    log(`vault ${version}: reusing the build at ${binary} (key ${buildKey()})`);
    return { binary, version, source: "cache", seconds: 0 };
  }
  const go = goVersion(env);
  mkdirSync(join(binary, ".."), { recursive: true });
  const partial = `${binary}.partial-${process.pid}`;
  const started = Date.now();
  log(`vault ${version}: no build for key ${buildKey()} yet; building with ${go} into ${binary}`);
  log("  (a cold build downloads the modules, then compiles about 2,600 packages: about 16 minutes on 2 cores)");
  try {
    const goEnv = { ...env, ...BUILD_ENV };
    await goStep(["mod", "download"], "downloading modules", goEnv, log, started);
    const total = countPackages(goEnv);
    await goStep([...BUILD_ARGS, "-v", "-o", partial, "."], `compiling ${total} packages`, goEnv, log, started, total);
    renameSync(partial, binary);
  } finally {
    rmSync(partial, { force: true });
  }
  const seconds = (Date.now() - started) / 1000;
  log(`vault ${version}: built in ${seconds.toFixed(0)} s at ${binary}`);
  return { binary, version, source: "built", seconds };
}

/** Packages the build compiles (dependencies included), for the progress count. */
function countPackages(env: NodeJS.ProcessEnv): number {
  const result = spawnSync("go", ["list", "-deps", "."], { cwd: VAULT_MODULE_DIR, encoding: "utf8", env, maxBuffer: 64 << 20 });
  return result.status === 0 ? result.stdout.trim().split("\n").length : 0;
}

/**
 * Runs one `go` step in the wrapper module, printing a progress line at most every 15 s
 * (`go build -v` names each package as it compiles it; cached packages are not named).
 */
function goStep(
  args: readonly string[],
  what: string,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
  started: number,
  total = 0,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("go", args, { cwd: VAULT_MODULE_DIR, env, stdio: ["ignore", "ignore", "pipe"] });
    let compiled = 0;
    let tail = "";
    let lastReport = Date.now();
    const report = () => {
      if (Date.now() - lastReport < 15_000) return;
      lastReport = Date.now();
      const count = total ? `: ${compiled}/${total} (cached packages are not counted)` : "";
      log(`  ${what}${count}, ${((Date.now() - started) / 1000).toFixed(0)} s elapsed`);
    };
    // Progress every 15 s, whether or not go printed anything meanwhile.
    const timer = setInterval(report, 1_000);
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      tail = (tail + chunk).slice(-4000);
      compiled += chunk.split("\n").filter((line) => line && !line.startsWith("#") && !line.startsWith(" ")).length;
      report();
    });
    child.once("error", (error) => {
      clearInterval(timer);
      reject(error);
    });
    child.once("close", (code) => {
      clearInterval(timer);
      if (code === 0) resolve();
      else reject(new Error(`go ${args.join(" ")} failed (exit ${code}):\n${tail.trim()}`));
    });
  });
}

if (require.main === module) {
  ensureVault((line) => console.error(line)).then(
    (build) => console.log(build.binary),
    (error) => {
      console.error(`vault build: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
