import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthHints } from "../../cli/commands/synth";

const ROOT = join(__dirname, "..", "..");

describe("vault-aws synth says why only some vault-roles-NN stacks exist, and what to run next", () => {
  test("on stderr, after the one result line on stdout", () => {
    const outdir = join(mkdtempSync(join(tmpdir(), "vama-synth-")), "out");
    const run = spawnSync(
      process.execPath,
      [join(ROOT, "bin", "vault-aws.js"), "synth", "--config", join(ROOT, "accounts.yaml"), "--outdir", outdir],
      { encoding: "utf8" },
    );
    expect(run.status).toBe(0);
    expect(run.stdout.split("\n")).toHaveLength(2);
    expect(run.stderr.split("\n")[0]).toBe(
      "synth: the Vault roles fill 4 of the 16 vault-roles-NN stacks (vault.roleStacks): vault-roles-01, vault-roles-03, vault-roles-06, vault-roles-10. " +
        "An account's roles go to the stack its name hashes to, and a role spanning accounts to the stack its own name hashes to, " +
        "so adding an account changes one roles stack; a stack that would hold no roles is not made.",
    );
    expect(run.stderr.split("\n")[1]).toMatch(
      /^next: vault-aws explain .*vault-aws changes --base <deployed git ref>.*vault-aws sandbox.*npx cdktf deploy '\*' \(deploy for real\), then vault-aws broker-key once /,
    );
  });

  test("only a broker user needs broker-key after the deploy; a keyless broker (Vault's own role) does not", () => {
    expect(synthHints([], 16, true)[1]).toMatch(/npx cdktf deploy '\*' \(deploy for real\), then vault-aws broker-key once \(/);
    expect(synthHints([], 16, false)[1]).toMatch(/npx cdktf deploy '\*' \(deploy for real\)$/);
  });

  test("each roles stack is named once, in order; none when there are no Vault roles", () => {
    expect(synthHints(["vault-roles-03", "vault-roles-01", "vault-roles-03"], 4, true)[0]).toMatch(
      /^synth: the Vault roles fill 2 of the 4 vault-roles-NN stacks \(vault.roleStacks\): vault-roles-01, vault-roles-03\. /,
    );
    expect(synthHints([], 16, true)[0]).toMatch(/^synth: the Vault roles fill 0 of the 16 vault-roles-NN stacks \(vault.roleStacks\)\. /);
  });
});
