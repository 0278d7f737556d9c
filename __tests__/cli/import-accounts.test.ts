import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { buildProgram } from "../../cli/program";

const ROOT = join(__dirname, "..", "..");

/** `vault-aws` as users run it, with AWS pointed at a closed port so that no test reaches a real organization. */
function vaultAws(args: string[]) {
  const env = {
    ...process.env,
    AWS_ENDPOINT_URL: "http://127.0.0.1:9",
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_MAX_ATTEMPTS: "1",
  };
  return spawnSync(process.execPath, [join(ROOT, "bin", "vault-aws.js"), "import-accounts", ...args], { cwd: ROOT, env, encoding: "utf8" });
}

/** The first line of what commander or the command printed on stderr. */
const firstLine = (text: string) => text.split("\n")[0];

describe("vault-aws import-accounts", () => {
  test("--help exits 0 and lists its flags", () => {
    const help = vaultAws(["--help"]);
    expect(help.status).toBe(0);
    const command = buildProgram().commands.find((c) => c.name() === "import-accounts")!;
    expect(command.options.map((o) => o.long)).toEqual(["--config", "--ou", "--role-sets", "--tags", "--set-organization-id", "--dry-run"]);
    for (const option of command.options) expect(help.stdout).toContain(option.long!);
  });

  test.each([
    [
      ["--tags", "nonprod,Prod"],
      `error: option '--tags <x,y>' argument 'nonprod,Prod' is invalid. "Prod" is not allowed: use lowercase letters, digits, '_' and '-', starting and ending with a letter or digit, e.g. nonprod`,
    ],
    [["--tags", "eu,eu"], `error: option '--tags <x,y>' argument 'eu,eu' is invalid. "eu" is listed twice: list each once`],
    [
      ["--tags", ""],
      `error: option '--tags <x,y>' argument '' is invalid. "" is not allowed: use lowercase letters, digits, '_' and '-', starting and ending with a letter or digit, e.g. nonprod`,
    ],
    [
      ["--role-sets", "base line"],
      `error: option '--role-sets <a,b>' argument 'base line' is invalid. "base line" is not allowed: use lowercase letters, digits, '_' and '-', starting and ending with a letter or digit, e.g. nonprod`,
    ],
    [
      ["--ou", "ou-ab12-cdef3456", "--ou", "sales"],
      `error: option '--ou <id...>' argument 'sales' is invalid. "sales" is not allowed: use an OU id such as ou-ab12-cdef3456, or a root id such as r-ab12`,
    ],
  ])("%j is refused before anything runs", (args, message) => {
    const run = vaultAws(args);
    expect(run.status).toBe(1);
    expect(firstLine(run.stderr)).toBe(message);
  });

  test("a role set the file lacks is refused with the sets it has, before AWS is asked", () => {
    const run = vaultAws(["--config", "examples/org-scale.yaml", "--role-sets", "baseline,nonprd"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `vault-aws: --role-sets: "nonprd" is not a role set: did you mean "nonprod"? The role sets are baseline, nonprod, prod (the roleSets: at examples/org-scale.yaml:22:3)\n`,
    );
  });

  test("an organization that cannot be reached is an error naming the call, exit 1", () => {
    const run = vaultAws(["--config", "examples/org-scale.yaml", "--dry-run"]);
    expect(run.status).toBe(1);
    expect(firstLine(run.stderr)).toMatch(/^vault-aws: organizations:DescribeOrganization: .*ECONNREFUSED/);
  });
});
