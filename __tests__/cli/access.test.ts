import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildProgram } from "../../cli/program";

const ROOT = join(__dirname, "..", "..");

/** `vault-aws access` as users run it: the launcher, which compiles the current sources. */
function access(args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, "bin", "vault-aws.js"), "access", ...args], { cwd: ROOT, encoding: "utf8" });
}

describe("vault-aws access", () => {
  test("--help lists every flag", () => {
    const help = access(["--help"]);
    expect(help.status).toBe(0);
    const command = buildProgram().commands.find((c) => c.name() === "access")!;
    for (const option of command.options) expect(help.stdout).toContain(option.long!);
  });

  test("prints the terminal report of accounts.yaml by default", () => {
    const run = access([]);
    expect(run.status).toBe(0);
    expect(run.stdout.split("\n")[0]).toBe("Who can get into what: 3 requesters, 4 accounts, 12 grants (0 admin, 5 write, 7 read)");
    expect(run.stdout).toContain("vault write aws/sts/prod-ec2-admin ttl=30m");
  });

  test("--format json is the whole matrix, and nothing else on stdout", () => {
    const run = access(["--format", "json", "--requester", "sre"]);
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.summary.grants).toBe(5);
    expect(json.filter).toEqual({ requesters: ["sre"], privileged: false });
  });

  test("--out writes the file and says so on stderr", () => {
    const out = join(mkdtempSync(join(tmpdir(), "vama-access-")), "access.html");
    const run = access(["--format", "html", "--out", out]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(new RegExp(`^wrote ${out} \\(\\d+ KiB\\): 12 grants, 4 accounts\\n$`));
    expect(readFileSync(out, "utf8")).toMatch(/^<!doctype html>/);
  });

  test("a filter that matches nothing exits 1, naming the flag and what exists", () => {
    const run = access(["--account", "stagin"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      "vault-aws: --account stagin matches no account name or id (did you mean staging?); the accounts are: primary, dev, staging, prod\n",
    );
  });

  test("an unknown format is refused with the allowed ones", () => {
    const run = access(["--format", "pdf"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      "option '--format <format>' argument 'pdf' is invalid. Allowed choices are terminal, json, markdown, html.",
    );
  });
});
