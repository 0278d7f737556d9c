import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { buildProgram } from "../../cli/program";

const ROOT = join(__dirname, "..", "..");

/** `vault-aws` as users run it: the launcher, which compiles the current sources. */
function vaultAws(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT) {
  return spawnSync(process.execPath, [join(ROOT, "bin", "vault-aws.js"), ...args], {
    cwd,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
}

describe("vault-aws", () => {
  const subcommands = buildProgram().commands.map((c) => c.name());

  test("has the subcommands the pipelines and the README use", () => {
    expect(subcommands).toEqual(expect.arrayContaining(["synth", "changes", "plan", "apply", "drift", "explain", "sandbox", "bench"]));
  });

  test.each(["synth", "changes", "plan", "apply", "drift", "sandbox"])("%s --help exits 0 and lists its flags", (name) => {
    const help = vaultAws([name, "--help"]);
    expect(help.status).toBe(0);
    const command = buildProgram().commands.find((c) => c.name() === name)!;
    for (const option of command.options) expect(help.stdout).toContain(option.long!);
  });

  test("a bad --shard is refused, saying what is allowed, before anything runs", () => {
    const run = vaultAws(["plan", "--base", "HEAD", "--out", "x", "--shard", "3/2"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("option '--shard <k/n>' argument '3/2' is invalid. use k/n with 1 ≤ k ≤ n");
  });

  test("sandbox --vault-nodes takes 1, 3 or 5, and says so for anything else, before anything runs", () => {
    const run = vaultAws(["sandbox", "--vault-nodes", "2"]);
    expect(run.status).toBe(1);
    expect(run.stderr.split("\n")[0]).toBe("error: option '--vault-nodes <n>' argument '2' is invalid. Allowed choices are 1, 3, 5.");
  });

  test("sandbox names a missing accounts file as the user gave it", () => {
    expect(vaultAws(["sandbox", "--config", "nope.yaml"]).stderr.split("\n")[0]).toBe(
      "sandbox: --config nope.yaml: no such file; pass --config with the accounts file to use",
    );
    const fromEnv = vaultAws(["sandbox"], { ACCOUNTS_FILE: "/nonexistent/a.yaml" });
    expect(fromEnv.status).toBe(2);
    expect(fromEnv.stderr.split("\n")[0]).toBe(
      "sandbox: ACCOUNTS_FILE=/nonexistent/a.yaml: no such file; pass --config with the accounts file to use",
    );
  });

  test("changes --json against an earlier synth lists the stacks and the access a new requester grant adds", () => {
    const dir = mkdtempSync(join(tmpdir(), "vama-cli-"));
    const config = join(dir, "accounts.yaml");
    cpSync(join(ROOT, "accounts.yaml"), config);
    const base = join(dir, "base");
    expect(vaultAws(["synth", "--config", config, "--outdir", base], {}, dir).status).toBe(0);
    const data = parse(readFileSync(config, "utf8"));
    data.accounts
      .find((a: any) => a.name === "staging")
      .roles.find((r: any) => r.name === "deployer")
      .requesters.push("sre");
    require("node:fs").writeFileSync(config, stringify(data));
    const run = vaultAws(["changes", "--base", base, "--json", "--config", config, "--outdir", join(dir, "out")], {}, dir);
    expect(run.stderr).toBe("");
    const changes = JSON.parse(run.stdout);
    expect(Object.keys(changes)).toEqual(["create", "update", "destroy", "unchanged", "waves", "access"]);
    expect(changes.create).toEqual([]);
    expect(changes.destroy).toEqual([]);
    // Only the roles stack holding staging-deployer, and sre's ACL policy in it.
    expect(changes.update).toEqual(["vault-roles-03"]);
    expect(changes.waves).toEqual([["vault-roles-03"]]);
    expect(changes.access).toEqual({
      granted: [{ requester: "sre", vaultRole: "staging-deployer", roleArn: "arn:aws:iam::333333333333:role/deployer" }],
      revoked: [],
    });
  });

  test("changes names a --base that is neither a folder nor a ref", () => {
    const run = vaultAws(["changes", "--base", "no-such-ref-or-dir"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      "--base no-such-ref-or-dir is neither a synth output folder (no no-such-ref-or-dir/manifest.json) nor a git ref: no commit no-such-ref-or-dir in",
    );
  });
});
