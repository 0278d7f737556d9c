import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

/** `vault-aws` as users run it (the launcher), with `node` options such as a preload. */
function vaultAws(args: string[], cwd: string, nodeArgs: string[] = [], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [...nodeArgs, join(ROOT, "bin", "vault-aws.js"), ...args], {
    cwd,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
}

describe("one config-error path for every subcommand", () => {
  const dir = mkdtempSync(join(tmpdir(), "vama-errors-"));
  const bad = join(dir, "accounts.yaml");
  writeFileSync(bad, "broker:\n  account: primary\naccounts:\n  - name: primary\n    id: 011111111111\n");
  const expected =
    `vault-aws: ${bad} is not a valid accounts file:\n` +
    `  ${bad}:5:9: accounts[0] (primary).id: got the number 11111111111: YAML reads unquoted digits as a number and drops leading zeros; quote the id, e.g. id: "011111111111"\n`;
  // A base that exists, so that changes and plan get as far as the config.
  const base = join(dir, "base");
  beforeAll(() => {
    const synth = vaultAws(["synth", "--config", join(ROOT, "accounts.yaml"), "--outdir", base], dir);
    expect(synth.status).toBe(0);
  });

  test.each([
    ["synth"],
    ["changes", "--base", "BASE"],
    ["plan", "--base", "BASE", "--out", "plans"],
    ["drift"],
    ["guardrails"],
    ["revoke", "--role", "primary/admin"],
    ["access"],
    ["explain"],
    ["sandbox", "--no-vault", "--endpoint", "http://127.0.0.1:9"],
    ["import-accounts", "--dry-run"],
  ])("%s: the same prefix, message and exit code 1, nothing on stdout, no stack trace", (...args) => {
    const run = vaultAws([...args.map((a) => (a === "BASE" ? base : a)), "--config", bad], dir);
    expect([run.status, run.stdout, run.stderr]).toEqual([1, "", expected]);
  });

  test("the file is left as it was", () => {
    expect(readFileSync(bad, "utf8")).toBe("broker:\n  account: primary\naccounts:\n  - name: primary\n    id: 011111111111\n");
  });
});

describe("a subcommand loads only its own modules", () => {
  const dir = mkdtempSync(join(tmpdir(), "vama-lazy-"));
  const preload = join(dir, "record.js");
  // Records every module name a require asks for, before it is loaded.
  writeFileSync(
    preload,
    `const Module = require("node:module"); const { appendFileSync } = require("node:fs"); const load = Module._load;
Module._load = function (request, ...rest) { appendFileSync(process.env.RECORD, request + "\\n"); return load.call(this, request, ...rest); };\n`,
  );
  const loaded = (args: string[], name: string) => {
    const record = join(dir, `${name}.txt`);
    const run = vaultAws(args, dir, ["--require", preload], { RECORD: record });
    expect(run.stderr).not.toMatch(/\n\s+at /);
    return existsSync(record) ? readFileSync(record, "utf8").split("\n") : [];
  };

  test("guardrails does not load cdktf or the providers", () => {
    const modules = loaded(["guardrails", "--config", join(ROOT, "accounts.yaml")], "guardrails");
    expect(modules).toContain("commander");
    expect(modules.filter((m) => /^(cdktf|@cdktf\/)/.test(m))).toEqual([]);
  });

  test("synth does (the check can tell)", () => {
    const modules = loaded(["synth", "--config", join(ROOT, "accounts.yaml"), "--outdir", join(dir, "out")], "synth");
    expect(modules).toContain("cdktf");
  });
});
