import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

/** `main.ts` as users run it: the compiled app in its own process (`npm test` builds it first). */
const MAIN = join(__dirname, "..", "dist", "main.js");

function run(accountsFile: string, extraEnv: Record<string, string> = {}) {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" (npm test does)`);
  const outdir = join(mkdtempSync(join(tmpdir(), "vama-main-")), "cdktf.out");
  const result = spawnSync(process.execPath, [MAIN], {
    // Synth runs in the project folder, where local state stays; here that is the output's parent,
    // the default layout, so the golden files hold the same relative state path as on any machine.
    cwd: dirname(outdir),
    env: { ...process.env, ACCOUNTS_FILE: accountsFile, CDKTF_OUTDIR: outdir, ...extraEnv },
    encoding: "utf8",
  });
  return { ...result, outdir };
}

function fileWith(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "vama-cfg-")), "accounts.yaml");
  writeFileSync(file, text);
  return file;
}

/** Every file under a folder, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("main with a bad config", () => {
  const file = fileWith("broker:\n  account: primary\naccounts:\n  - name: primary\n    id: 011111111111\n");
  const result = run(file);

  test("exits non-zero", () => expect(result.status).toBe(1));
  test("names the file, line, field, problem and fix on stderr", () => {
    expect(result.stderr).toBe(
      `${file} is not a valid accounts file:\n  ${file}:5:9: accounts[0] (primary).id: got the number 11111111111: YAML reads unquoted digits as a number and drops leading zeros; quote the id, e.g. id: "011111111111"\n`,
    );
  });
  test("prints no stack trace", () => expect(result.stderr).not.toMatch(/\n\s+at /));
  test("writes nothing to the output folder", () => expect(existsSync(result.outdir)).toBe(false));
});

describe("main with a missing file", () => {
  const result = run("/nonexistent/accounts.yaml");
  test("says which file and how to name another", () => {
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("/nonexistent/accounts.yaml: cannot be read (no such file); set ACCOUNTS_FILE");
  });
});

describe("main with the example config", () => {
  const result = run(join(__dirname, "..", "accounts.yaml"));

  test("exits zero and writes one folder per stack", () => {
    expect(result.status).toBe(0);
    expect(readdirSync(join(result.outdir, "stacks")).sort()).toEqual([
      "aws-dev",
      "aws-primary",
      "aws-prod",
      "aws-staging",
      "vault",
      "vault-roles-01",
      "vault-roles-03",
      "vault-roles-06",
      "vault-roles-10",
    ]);
  });
  test("creates an output folder whose parents do not exist yet (CDKTF_OUTDIR=build/out)", () => {
    const nested = join(mkdtempSync(join(tmpdir(), "vama-main-")), "build", "out");
    const synth = spawnSync(process.execPath, [join(__dirname, "..", "dist", "main.js")], {
      env: { ...process.env, ACCOUNTS_FILE: join(__dirname, "..", "accounts.yaml"), CDKTF_OUTDIR: nested },
      encoding: "utf8",
    });
    expect([synth.status, synth.stderr]).toEqual([0, ""]);
    expect(existsSync(join(nested, "manifest.json"))).toBe(true);
  });
  test("keeps local state in the project folder when the output folder is elsewhere", () => {
    const base = mkdtempSync(join(tmpdir(), "vama-main-"));
    const project = join(base, "project");
    const outdir = join(base, "elsewhere", "out");
    mkdirSync(project);
    const synth = spawnSync(process.execPath, [MAIN], {
      cwd: project,
      env: { ...process.env, ACCOUNTS_FILE: join(__dirname, "..", "accounts.yaml"), CDKTF_OUTDIR: outdir },
      encoding: "utf8",
    });
    expect(synth.status).toBe(0);
    const stackDir = join(outdir, "stacks", "aws-dev");
    const { path } = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")).terraform.backend.local;
    expect(resolve(stackDir, path)).toBe(join(project, "terraform.aws-dev.tfstate"));
  });
  test("writes no credential literal anywhere in the output", () => {
    for (const file of filesUnder(result.outdir)) {
      const text = readFileSync(file, "utf8");
      expect(text).not.toMatch(/\b(AKIA|ASIA)[A-Z0-9]{16}\b/); // access key ids
      expect(text).not.toMatch(/"(access_key|secret_key|token)":\s*"(?!\$\{)/); // literal (not referenced) keys
      expect(text).not.toMatch(/hvs\.[A-Za-z0-9]{20,}/); // Vault tokens
    }
  });
  test("an AWS key or Vault token in the environment does not reach the output", () => {
    const secrets = {
      AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      VAULT_TOKEN: "hvs.CAESIJexampletokenexampletoken",
    };
    const withSecrets = run(join(__dirname, "..", "accounts.yaml"), secrets);
    const all = filesUnder(withSecrets.outdir)
      .map((f) => readFileSync(f, "utf8"))
      .join("\n");
    expect(all).not.toContain(secrets.AWS_SECRET_ACCESS_KEY);
    expect(all).not.toContain(secrets.VAULT_TOKEN);
  });
});

describe("synthesizing again into the same folder", () => {
  const example = readFileSync(join(__dirname, "..", "accounts.yaml"), "utf8");
  const outdir = join(mkdtempSync(join(tmpdir(), "vama-main-")), "cdktf.out");
  const synthOf = (text: string) =>
    spawnSync(process.execPath, [MAIN], { env: { ...process.env, ACCOUNTS_FILE: fileWith(text), CDKTF_OUTDIR: outdir }, encoding: "utf8" });
  // The example without the staging account (its roles, and the vaultRoles/requesters that name them).
  const withoutStaging = example.replace(/\n  - name: staging\n[\s\S]*?(?=\n  - name: prod)/, "");

  test("the first synth lists every stack as created", () => {
    expect(synthOf(example).stdout).toBe(
      `synth: 9 stacks in ${outdir}, 9 created (aws-dev, aws-primary, aws-prod, aws-staging, vault, vault-roles-01, vault-roles-03, vault-roles-06, vault-roles-10), 0 unchanged\n`,
    );
  });
  test("the same config again changes nothing", () => {
    expect(synthOf(example).stdout).toBe(`synth: 9 stacks in ${outdir}, 9 unchanged\n`);
  });
  test("removing an account removes its stack folder (and an emptied roles stack's), leaving exactly the manifest's stacks", () => {
    const result = synthOf(withoutStaging);
    expect([result.status, result.stderr]).toEqual([0, ""]);
    expect(result.stdout).toBe(
      `synth: 7 stacks in ${outdir}, 1 changed (aws-primary), 2 removed (aws-staging, vault-roles-03), 6 unchanged\n`,
    );
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
    expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(Object.keys(manifest.stacks).sort());
  });
});

describe("the normal synth and the sandbox switch", () => {
  const example = join(__dirname, "..", "accounts.yaml");
  const plain = run(example);
  const switchedOff = run(example, { SANDBOX_AWS_ENDPOINT: "", SANDBOX_STATE_DIR: "/tmp/unused" });
  const stackFile = (outdir: string, stack: string) => readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8");

  test("is byte for byte the same with the switch off as without it", () => {
    expect(switchedOff.status).toBe(0);
    const files = (outdir: string) => filesUnder(outdir).map((f) => [f.slice(outdir.length), readFileSync(f, "utf8")]);
    expect(files(switchedOff.outdir)).toEqual(files(plain.outdir));
  });
  // One snapshot per stack kind, of the exact bytes `npm run synth` writes: a review aid (the
  // assertions in stacks.test.ts are what protect behaviour) and the golden the switch is held to.
  test("a target account stack", () => expect(stackFile(plain.outdir, "aws-prod")).toMatchSnapshot());
  test("the broker's account stack", () => expect(stackFile(plain.outdir, "aws-primary")).toMatchSnapshot());
  test("the vault stack", () => expect(stackFile(plain.outdir, "vault")).toMatchSnapshot());
  test("a vault-roles stack", () => expect(stackFile(plain.outdir, "vault-roles-06")).toMatchSnapshot());
});
