import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

/**
 * bin/vault-aws.js in a project of its own: two entry points of a few lines, the real launcher and
 * the real esbuild (node_modules linked), so that edits are made without touching the repository.
 */
function project() {
  const dir = mkdtempSync(join(tmpdir(), "vama-launcher-"));
  mkdirSync(join(dir, "bin"));
  mkdirSync(join(dir, "cli"));
  copyFileSync(join(ROOT, "bin", "vault-aws.js"), join(dir, "bin", "vault-aws.js"));
  copyFileSync(join(ROOT, "bin", "esbuild-config.js"), join(dir, "bin", "esbuild-config.js"));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  writeFileSync(join(dir, "cli", "vault-aws.ts"), 'import { version } from "./dep";\nconsole.log(`full ${version}`);\n');
  writeFileSync(join(dir, "cli", "dep.ts"), 'export const version: string = "v1";\n');
  writeFileSync(
    join(dir, "cli", "credentials-fast.ts"),
    'export function answeredFromCache(args: string[]): boolean {\n  if (args[0] !== "--hit") return false;\n  console.log("fast");\n  return true;\n}\n',
  );
  const run = (...args: string[]) => spawnSync(process.execPath, [join(dir, "bin", "vault-aws.js"), ...args], { encoding: "utf8" });
  const bundleMtime = () => statSync(join(dir, ".build", "vault-aws.js")).mtimeMs;
  return { dir, run, bundleMtime };
}

describe("the launcher", () => {
  test("builds on first start, and a start with nothing changed does not rebuild", () => {
    const p = project();
    expect(p.run().stdout).toBe("full v1\n");
    const manifest = JSON.parse(readFileSync(join(p.dir, ".build", "manifest.json"), "utf8"));
    expect(manifest.inputs.map((i: unknown[]) => i[0]).sort()).toEqual(["cli/credentials-fast.ts", "cli/dep.ts", "cli/vault-aws.ts"]);
    const built = p.bundleMtime();
    expect(p.run().stdout).toBe("full v1\n");
    expect(p.bundleMtime()).toBe(built);
  });
  test("an edit to any source the bundle includes is never run stale", () => {
    const p = project();
    p.run();
    writeFileSync(join(p.dir, "cli", "dep.ts"), 'export const version: string = "v2";\n');
    expect(p.run().stdout).toBe("full v2\n");
  });
  test("a touch without an edit (a checkout, a save) compares contents and does not rebuild", () => {
    const p = project();
    p.run();
    const built = p.bundleMtime();
    const later = new Date(Date.now() + 5000);
    utimesSync(join(p.dir, "cli", "dep.ts"), later, later); // a checkout or a save without edits
    expect(p.run().stdout).toBe("full v1\n");
    expect(p.bundleMtime()).toBe(built);
  });
  test("credentials goes to the small bundle first, and to the whole program when it cannot answer", () => {
    const p = project();
    expect(p.run("credentials", "--hit").stdout).toBe("fast\n");
    expect(p.run("credentials", "--miss").stdout).toBe("full v1\n");
  });
  test("sources that do not compile: one message naming the file, exit 1, and the old build is not run", () => {
    const p = project();
    p.run();
    writeFileSync(join(p.dir, "cli", "dep.ts"), "export const version: string = ;\n");
    const run = p.run();
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(
      /^vault-aws: the sources do not compile:\nBuild failed with 1 error:\ncli\/dep\.ts:1:31: ERROR: Unexpected ";"\n$/,
    );
    expect(p.run().status).toBe(1); // still refused on the next start, never the old build
  });
});
