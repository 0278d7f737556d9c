import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { type BuildOptions, buildSync } from "esbuild";
import { SANDBOX_ENDPOINT_ENV, SANDBOX_STATE_DIR_ENV } from "../lib/sandbox";
import { cacheDir } from "../run/cache";
import { run } from "../run/process";
import { repoRoot } from "../run/repo-root";

/** Where the base of a comparison comes from. */
export type BaseSource =
  | { readonly kind: "folder"; readonly outdir: string }
  | { readonly kind: "commit"; readonly ref: string; readonly commit: string; readonly repo: string };

/** Which flag named the base: `--base-ref`, `--base-dir`, or `--base` (either, when only one matches). */
export type BaseKind = "ref" | "dir" | "either";

/**
 * The base as given. `--base-dir`: a folder holding a previous synth (its `manifest.json`).
 * `--base-ref`: a git ref of the repository the command runs in; its commit's code runs (see
 * `baseSynth`). `--base`: whichever of the two matches, and an error when both do, since a branch
 * can commit a folder named like a ref (`origin/main/manifest.json`) and pass for the base.
 * Throws saying what was tried.
 */
export function resolveBase(base: string, cwd: string = process.cwd(), kind: BaseKind = "either"): BaseSource {
  const folder = existsSync(join(resolve(cwd, base), "manifest.json"));
  const repo = git(["rev-parse", "--show-toplevel"], cwd);
  const commit = repo.ok ? git(["rev-parse", "--verify", "--quiet", `${base}^{commit}`], cwd) : repo;
  const isRef = repo.ok && commit.ok;
  if (kind === "dir" || (kind === "either" && folder && !isRef)) {
    if (!folder) throw new Error(`--base-dir ${base} is not a synth output folder: it has no ${join(base, "manifest.json")}`);
    return { kind: "folder", outdir: resolve(cwd, base) };
  }
  if (kind === "either" && folder && isRef) {
    throw new Error(
      `--base ${base} is both a git ref (commit ${commit.out.slice(0, 12)}) and a folder holding a synth (${join(base, "manifest.json")}); say which with --base-ref ${base} or --base-dir ${base}`,
    );
  }
  if (!isRef) {
    const why = repo.ok ? `no commit ${base} in ${repo.out}` : `${cwd} is not in a git repository`;
    throw new Error(
      kind === "ref"
        ? `--base-ref ${base} is not a git ref: ${why}`
        : `--base ${base} is neither a synth output folder (no ${join(base, "manifest.json")}) nor a git ref: ${why}`,
    );
  }
  return { kind: "commit", ref: base, commit: commit.out, repo: repo.out };
}

/** What the base commit's synth may see of the environment: nothing that reaches a cloud, Vault or CI. */
const BASE_ENV_ALLOWED = [
  "PATH",
  "HOME",
  "TMPDIR",
  "TMP",
  "TEMP",
  "LANG",
  "LC_ALL",
  "TZ",
  "XDG_CACHE_HOME",
  "npm_config_cache",
  SANDBOX_ENDPOINT_ENV,
  SANDBOX_STATE_DIR_ENV,
];

/**
 * The environment the base commit's code runs with: an allow-list, so no AWS keys or profiles,
 * `VAULT_TOKEN`, CI tokens (`GITHUB_TOKEN`, `ACTIONS_ID_TOKEN_REQUEST_TOKEN`, `CI_JOB_TOKEN`) or
 * anything else the caller holds reaches code that this run did not review.
 */
export function scrubbedEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(BASE_ENV_ALLOWED.filter((name) => env[name] !== undefined).map((name) => [name, env[name]]));
}

/** What the base commit's synth needs besides its code. */
export interface BaseSynthInput {
  /** The current config file; the base uses the file at the same path in the base commit. */
  readonly configFile: string;
  /** The current output folder; the base synth uses the same path inside the base's tree, so relative local state paths match. */
  readonly outdir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly log: (line: string) => void;
}

/**
 * The output folder of what the base commit's code makes of the base commit's config, synthesized
 * once and cached under `<cache>/base/<commit>-<key>` (the key covers the config's path, the output
 * path and sandbox mode). The commit's tree is exported with `git archive`, uses the current
 * `node_modules` when its `package-lock.json` is the same (else `npm ci` there, cached too), and
 * its `main.ts` is bundled with esbuild and run, as `vault-aws synth` runs the current one: the base
 * commit's code runs, with `scrubbedEnv`, so name only a ref whose code you trust.
 */
export async function baseSynth(base: Extract<BaseSource, { kind: "commit" }>, input: BaseSynthInput): Promise<string> {
  const cwd = process.cwd();
  const configPath = relative(base.repo, resolve(cwd, input.configFile));
  const outPath = relative(base.repo, resolve(cwd, input.outdir));
  if (configPath.startsWith("..") || isAbsolute(configPath))
    throw new Error(
      `--base ${base.ref}: the config ${input.configFile} is outside the repository ${base.repo}, so the base commit cannot hold it; pass --base a synth output folder instead`,
    );
  const sandbox = [SANDBOX_ENDPOINT_ENV, SANDBOX_STATE_DIR_ENV].map((name) => `${name}=${input.env[name] ?? ""}`);
  const key = createHash("sha256").update(JSON.stringify({ configPath, outPath, sandbox })).digest("hex").slice(0, 12);
  const dir = join(cacheDir(input.env), "base", `${base.commit}-${key}`);
  const outdir = join(dir, "tree", outPath);
  if (existsSync(join(dir, "complete"))) {
    input.log(`base ${base.ref} (${base.commit.slice(0, 12)}): synth reused from ${dir}`);
    return outdir;
  }
  const started = Date.now();
  rmSync(dir, { recursive: true, force: true });
  const tree = join(dir, "tree");
  mkdirSync(tree, { recursive: true });
  const archive = spawnSync("sh", ["-c", `git -C "$1" archive --format=tar "$2" | tar -x -C "$3"`, "sh", base.repo, base.commit, tree], {
    encoding: "utf8",
  });
  if (archive.status !== 0) throw new Error(`--base ${base.ref}: git archive failed: ${archive.stderr.trim()}`);
  if (!existsSync(join(tree, configPath)))
    throw new Error(
      `--base ${base.ref}: the base commit has no ${configPath}; pass --base a synth output folder, or a commit that has the config`,
    );
  if (!existsSync(join(tree, "main.ts")))
    throw new Error(`--base ${base.ref}: the base commit has no main.ts, so it is not a commit of this program`);
  const lockfile = (root: string) =>
    existsSync(join(root, "package-lock.json")) ? readFileSync(join(root, "package-lock.json"), "utf8") : "";
  if (lockfile(tree) === lockfile(base.repo) && existsSync(join(base.repo, "node_modules"))) {
    rmSync(join(tree, "node_modules"), { recursive: true, force: true }); // a committed symlink, say
    symlinkSync(join(base.repo, "node_modules"), join(tree, "node_modules"), "dir");
  } else {
    input.log(`base ${base.ref}: its package-lock.json differs from the current one; npm ci in ${tree}`);
    const install = spawnSync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], {
      cwd: tree,
      encoding: "utf8",
      env: scrubbedEnv(input.env),
    });
    if (install.status !== 0)
      throw new Error(`--base ${base.ref}: npm ci of the base commit failed:\n${install.stderr.trim().split("\n").slice(-10).join("\n")}`);
  }
  const app = join(tree, ".build", "main.js");
  try {
    buildSync(esbuildConfig().nodeBundle(join(tree, "main.ts"), app));
  } catch (error) {
    throw new Error(`--base ${base.ref}: the base commit's main.ts does not compile:\n${(error as Error).message}`);
  }
  // The base commit's code is a trust decision (it is not this run's code): it runs with no credentials.
  const env = { ...scrubbedEnv(input.env), ACCOUNTS_FILE: join(tree, configPath), CDKTF_OUTDIR: outdir };
  const synth = await run(process.execPath, [app], tree, env);
  if (synth.code !== 0) throw new Error(`--base ${base.ref}: the base commit's synth of ${configPath} failed:\n${synth.output.trim()}`);
  writeFileSync(join(dir, "complete"), `${new Date().toISOString()}\n`);
  input.log(
    `base ${base.ref} (${base.commit.slice(0, 12)}): synthesized in ${((Date.now() - started) / 1000).toFixed(1)} s, cached in ${dir}`,
  );
  return outdir;
}

/** The project's one esbuild configuration, shared with the launcher (`bin/esbuild-config.js`). */
function esbuildConfig(): EsbuildConfig {
  // Found from the repository root, so that this works from the sources, a bundle and dist/ alike.
  return require(join(repoRoot(), "bin", "esbuild-config.js")) as EsbuildConfig;
}

/** What `bin/esbuild-config.js` exports. */
interface EsbuildConfig {
  readonly nodeBundle: (entry: string, outfile: string, extra?: BuildOptions) => BuildOptions;
}

function git(args: readonly string[], cwd: string): { ok: boolean; out: string } {
  const result = spawnSync("git", args, { cwd, encoding: "utf8" });
  return { ok: result.status === 0, out: (result.stdout ?? "").trim() };
}
