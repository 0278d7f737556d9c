import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { repoRoot } from "../../run/repo-root";

const ROOT = repoRoot();

/**
 * A throwaway repository holding the current sources, committed; `changes --base HEAD` must see a
 * change of code, not only of config, because the base is what the base commit's code makes.
 */
describe("changes --base <git ref>", () => {
  const repo = mkdtempSync(join(tmpdir(), "vama-base-repo-"));
  const cache = mkdtempSync(join(tmpdir(), "vama-base-cache-"));
  const git = (...args: string[]) =>
    spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@localhost", ...args], { cwd: repo, encoding: "utf8" });
  const vaultAws = (...args: string[]) =>
    spawnSync(process.execPath, [join(repo, "bin", "vault-aws.js"), ...args], {
      cwd: repo,
      env: { ...process.env, VAULT_AWS_CACHE: cache, ACCOUNTS_FILE: "", CDKTF_OUTDIR: "" },
      encoding: "utf8",
    });

  beforeAll(() => {
    const files = spawnSync("git", ["ls-files", "-co", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" }).stdout.trim().split("\n");
    for (const file of files.filter((f) => existsSync(join(ROOT, f)))) {
      mkdirSync(dirname(join(repo, file)), { recursive: true });
      cpSync(join(ROOT, file), join(repo, file));
    }
    symlinkSync(join(ROOT, "node_modules"), join(repo, "node_modules"), "dir");
    git("init", "-q");
    git("add", "-A");
    git("commit", "-q", "-m", "base");
  });

  test("a change of code alone is seen, and the base synth is cached by commit", () => {
    const engine = join(repo, "lib", "constructs", "vault-aws-engine.ts");
    writeFileSync(
      engine,
      readFileSync(engine, "utf8").replace("STS credentials for the AWS accounts", "Short-lived credentials for the AWS accounts"),
    );
    const first = vaultAws("changes", "--base", "HEAD", "--json");
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ create: [], update: ["vault"], destroy: [], access: { granted: [], revoked: [] } });
    expect(first.stderr).toMatch(/base HEAD \([0-9a-f]{12}\): synthesized in [\d.]+ s, cached in /);
    const second = vaultAws("changes", "--base", "HEAD", "--json");
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).toMatch(/base HEAD \([0-9a-f]{12}\): synth reused from /);
  });

  test("a base commit without the config is refused, naming the file", () => {
    writeFileSync(join(repo, "other.yaml"), readFileSync(join(repo, "accounts.yaml")));
    const run = vaultAws("changes", "--base", "HEAD", "--config", "other.yaml");
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      "--base HEAD: the base commit has no other.yaml; pass --base a synth output folder, or a commit that has the config",
    );
  });
});
