import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GetRoleCommand } from "@aws-sdk/client-iam";
import { loadConfig } from "../lib/config/load";
import { buildModel } from "../lib/model";
import { type Emulator, startEmulator } from "../sandbox/emulator";
import { SANDBOX_KEY } from "../sandbox/profiles";
import { ROOT } from "../sandbox/run-sandbox";
import { accountIam } from "../sandbox/stored-roles";
import { smallConfig, workDir, writeConfig } from "./fixtures";

/**
 * The README's sandbox command on a fresh clone, with no build step, and again after an edit of a
 * `.ts` file: the sandbox deploys the code as it is in the clone, never a stale build. One
 * emulator for the file. The clone gets the project's `node_modules` by a link: the same packages
 * `npm ci` installs from the same lock file, without the network (see the note in the report).
 */
let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator?.stop();
});

const ROLE_FILE = join("lib", "constructs", "assumable-role.ts");
const DESCRIPTION = "Assumed by HashiCorp Vault's AWS secrets engine; managed by vault-aws-multi-account";

function sandbox(clone: string, config: string, work: string) {
  return spawnSync("npm", ["run", "sandbox", "--", "--no-vault", "--endpoint", emulator.endpoint, "--config", config, "--work-dir", work], {
    cwd: clone,
    env: { ...process.env, ACCOUNTS_FILE: "", CDKTF_OUTDIR: "" },
    encoding: "utf8",
  });
}

/** The description the emulator stores on the config's first role, read in its account as the sandbox reads it. */
async function roleDescription(config: string): Promise<string | undefined> {
  const conf = loadConfig(config);
  const model = buildModel(conf);
  const account = model.accounts[0];
  const deployer = { accessKeyId: SANDBOX_KEY.AWS_ACCESS_KEY_ID, secretAccessKey: SANDBOX_KEY.AWS_SECRET_ACCESS_KEY };
  const iam = await accountIam(model, account, { endpoint: emulator.endpoint, region: "us-east-1" }, deployer, conf.deployment.roleName);
  const role = await iam.send(new GetRoleCommand({ RoleName: account.roles[0].name }));
  return role.Role?.Description;
}

describe("a fresh clone: npm run sandbox -- --no-vault, with no build step, then after an edit", () => {
  const dir = workDir("fresh-clone");
  const clone = join(dir, "clone");
  // The broker's account alone: the fewest stacks that still deploy a role through the sandbox.
  const small = smallConfig();
  const config = writeConfig(dir, "accounts.yaml", {
    ...small,
    accounts: small.accounts.slice(0, 1),
    requesters: { sre: small.requesters.sre },
  });
  let first: ReturnType<typeof sandbox>;
  let second: ReturnType<typeof sandbox>;
  let before: string | undefined;
  let after: string | undefined;
  beforeAll(async () => {
    const cloned = spawnSync("git", ["clone", "--quiet", ROOT, clone], { encoding: "utf8" });
    if (cloned.status !== 0) throw new Error(cloned.stderr);
    symlinkSync(join(ROOT, "node_modules"), join(clone, "node_modules"), "dir");
    first = sandbox(clone, config, join(dir, "work"));
    before = await roleDescription(config);
    const file = join(clone, ROLE_FILE);
    writeFileSync(file, readFileSync(file, "utf8").replace(DESCRIPTION, `${DESCRIPTION}; edited in the clone`));
    second = sandbox(clone, config, join(dir, "work"));
    after = await roleDescription(config);
  });

  test("the clone has no dist/ and the sandbox passes", () => {
    expect(existsSync(join(clone, "dist"))).toBe(false);
    expect([first.status, first.stderr]).toEqual([0, expect.not.stringMatching(/Cannot find module/)]);
    expect(before).toBe(DESCRIPTION);
  });

  test("after an edit of a .ts file, the sandbox deploys the edited code", () => {
    expect(second.status).toBe(0);
    expect(after).toBe(`${DESCRIPTION}; edited in the clone`);
    expect(existsSync(join(clone, "dist"))).toBe(false);
  });
});
