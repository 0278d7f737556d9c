import { spawnSync } from "node:child_process";
import { join } from "node:path";

/** The sandbox's command line, run as `npm run sandbox` runs it (from dist/, built by `npm test`). */
function sandbox(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [join(__dirname, "..", "..", "dist", "sandbox", "cli.js"), ...args], { env: { ...process.env, ...env }, encoding: "utf8" });
}

describe("npm run sandbox", () => {
  test("--help lists every option, --parallelism and --no-vault included", () => {
    const help = sandbox(["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run sandbox -- \[--config FILE\] \[--work-dir DIR\] \[--endpoint URL\] \[--via terraform\|cdktf\] \[--parallelism N\] \[--no-vault\] \[--keep\]/);
  });
  test("a missing --config file is named as the user typed it, before anything starts", () => {
    const run = sandbox(["--config", "nope.yaml"]);
    expect(run.status).toBe(2);
    expect(run.stderr.split("\n")[0]).toBe("sandbox: --config nope.yaml: no such file; pass --config with the accounts file to use");
  });
  test("a missing ACCOUNTS_FILE is named as such", () => {
    const run = sandbox([], { ACCOUNTS_FILE: "/nonexistent/a.yaml" });
    expect(run.stderr.split("\n")[0]).toBe("sandbox: ACCOUNTS_FILE=/nonexistent/a.yaml: no such file; pass --config with the accounts file to use");
  });
});
