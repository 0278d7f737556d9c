import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveBase, scrubbedEnv } from "../../pipeline/base";

/** A repository with one commit and, committed on it, a folder named like the ref `origin/main` holding a manifest. */
function repoWithLookalike(): { repo: string; commit: string } {
  const repo = mkdtempSync(join(tmpdir(), "vama-base-kind-"));
  const git = (...args: string[]) =>
    spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@localhost", ...args], { cwd: repo, encoding: "utf8" });
  git("init", "-q");
  writeFileSync(join(repo, "README"), "x");
  git("add", "-A");
  git("commit", "-q", "-m", "base");
  git("update-ref", "refs/remotes/origin/main", "HEAD");
  mkdirSync(join(repo, "origin", "main"), { recursive: true });
  writeFileSync(join(repo, "origin", "main", "manifest.json"), "{}");
  mkdirSync(join(repo, "synth-out"));
  writeFileSync(join(repo, "synth-out", "manifest.json"), "{}");
  return { repo, commit: git("rev-parse", "HEAD").stdout.trim() };
}

describe("the base is unambiguous", () => {
  const { repo, commit } = repoWithLookalike();
  test("--base names both a ref and a folder: an error that says which flags to use", () => {
    expect(() => resolveBase("origin/main", repo)).toThrow(
      `--base origin/main is both a git ref (commit ${commit.slice(
        0,
        12,
      )}) and a folder holding a synth (origin/main/manifest.json); say which with --base-ref origin/main or --base-dir origin/main`,
    );
  });
  test("--base-ref takes the ref, never the lookalike folder", () => {
    expect(resolveBase("origin/main", repo, "ref")).toEqual({ kind: "commit", ref: "origin/main", commit, repo: expect.any(String) });
  });
  test("--base-dir takes the folder, never a ref", () => {
    expect(resolveBase("origin/main", repo, "dir")).toEqual({ kind: "folder", outdir: join(repo, "origin", "main") });
    expect(() => resolveBase("HEAD", repo, "dir")).toThrow("--base-dir HEAD is not a synth output folder: it has no HEAD/manifest.json");
  });
  test("--base-ref refuses a folder that is no ref", () => {
    expect(() => resolveBase("synth-out", repo, "ref")).toThrow(/^--base-ref synth-out is not a git ref: no commit synth-out in /);
  });
  test("--base still takes whichever one matches", () => {
    expect(resolveBase("synth-out", repo).kind).toBe("folder");
    expect(resolveBase("HEAD", repo).kind).toBe("commit");
  });
});

describe("scrubbedEnv: the base commit's code runs with no credentials", () => {
  test("keeps what a synth needs and drops cloud, Vault and CI secrets", () => {
    const env = {
      PATH: "/usr/bin",
      HOME: "/home/u",
      AWS_ACCESS_KEY_ID: "AKIA…",
      AWS_SECRET_ACCESS_KEY: "s",
      AWS_SESSION_TOKEN: "t",
      AWS_PROFILE: "admin",
      VAULT_TOKEN: "hvs.x",
      VAULT_ADDR: "https://vault",
      GITHUB_TOKEN: "ghs",
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "r",
      CI_JOB_TOKEN: "c",
      SANDBOX_AWS_ENDPOINT: "http://127.0.0.1:1",
    };
    expect(scrubbedEnv(env)).toEqual({ PATH: "/usr/bin", HOME: "/home/u", SANDBOX_AWS_ENDPOINT: "http://127.0.0.1:1" });
  });
});
