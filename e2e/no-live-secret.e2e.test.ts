import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../lib/config/load";
import { buildModel } from "../lib/model";
import { isVaultStack } from "../lib/names";
import { planText, planToFile } from "../run/runner";
import { enforceCredentials } from "../sandbox/emulator";
import { runSandbox, synthForSandbox } from "../sandbox/run-sandbox";
import { proveThroughVault } from "../sandbox/vault-checks";
import { collector, smallConfigFiles, keepIssuing, sandboxServers, smallConfig, workDir, writeConfig } from "./fixtures";
import { requesterTokens } from "../sandbox/vault-checks";

/**
 * Key mode leaves no live secret behind: after a deploy, every access key found in any state file,
 * saved plan (what a main-branch plan job uploads) or their folders is refused by STS, with the
 * emulator checking credentials as AWS does; and Vault, holding the only live key, still issues
 * credentials for every role. Then a key rotation with Vault in the loop: no gap, and the old key
 * is refused too.
 */

/** An access key id as AWS (and the emulator) writes one. */
const KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g;
/** A secret access key: 40 characters of base64, as the value of a JSON field. */
const SECRET = /"([A-Za-z0-9/+]{40})"/g;

/** Every file under `dir`, recursively, but in folders of provider binaries (`.terraform`, the plugin cache `terraform`). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === ".terraform" || name === "terraform") return [];
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** A file's text, and for a saved plan (a zip) the text of each of its members (tfstate, tfstate-prev, tfplan…). */
function textsOf(file: string): string[] {
  const raw = readFileSync(file);
  if (raw.subarray(0, 2).toString() !== "PK") return [raw.toString("latin1")];
  return [execFileSync("unzip", ["-p", file], { maxBuffer: 256 * 1024 * 1024 }).toString("latin1")];
}

/** Every key id and every secret-shaped value in the files, and how many files were read. */
function keysIn(files: readonly string[]): { ids: Set<string>; secrets: Set<string>; files: number } {
  const ids = new Set<string>();
  const secrets = new Set<string>();
  for (const file of files) {
    for (const text of textsOf(file)) {
      for (const m of text.matchAll(KEY_ID)) ids.add(m[0]);
      for (const m of text.matchAll(SECRET)) secrets.add(m[1]);
    }
  }
  return { ids, secrets, files: files.length };
}

describe("key mode leaves no live key in state, plans or artifacts", () => {
  const servers = sandboxServers("no-live-secret");
  const dir = workDir("no-live-secret");
  const artifacts = join(dir, "artifact");
  const progress = collector();
  /** The small config with a change, in a file of its own. */
  const config = smallConfigFiles(dir);
  const first = config();
  let started = 0;

  beforeAll(async () => {
    started = Date.now();
    const result = await runSandbox({ configFile: first, workDir: dir, vault: servers.vault, log: progress.log }, servers.emulator);
    if (!result.ok) throw new Error(`the sandbox run failed:\n${progress.lines.join("\n")}`);
    const { stacks, env } = await synthForSandbox(first, dir, servers.emulator.endpoint, () => undefined);
    // What a main-branch plan job writes and uploads: a saved plan of every stack and its text, in one folder.
    for (const stack of stacks) {
      const stackEnv = isVaultStack(stack.name) ? { ...env, ...servers.vault.env } : env;
      const planFile = join(artifacts, `${stack.name}.tfplan`);
      await planToFile(stack.name, stack.dir, planFile, stackEnv);
      writeFileSync(join(artifacts, `${stack.name}.txt`), await planText(stack.name, stack.dir, planFile, stackEnv));
    }
  });
  afterEach(async () => enforceCredentials(servers.emulator, false));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    console.log(`no-live-secret e2e: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  /** STS's answer to each pair of a key id and a secret found: the account it names, or the error. */
  const tryEvery = async (found: { ids: Set<string>; secrets: Set<string> }) => {
    const answers: string[] = [];
    for (const accessKeyId of found.ids) {
      // An id with no secret anywhere beside it (the provider reads Vault's key id back into state;
      // the secret never leaves Vault) is tried with a made-up one: half a key must not work either.
      for (const secretAccessKey of found.secrets.size > 0 ? found.secrets : new Set(["0".repeat(40)])) {
        const sts = new STSClient({
          endpoint: servers.emulator.endpoint,
          region: "us-east-1",
          credentials: { accessKeyId, secretAccessKey },
          maxAttempts: 1,
        });
        answers.push(
          await sts.send(new GetCallerIdentityCommand({})).then(
            (r) => `accepted as ${r.Arn}`,
            (e) => (e as Error).name,
          ),
        );
      }
    }
    return answers;
  };

  test("every key in the state files, the saved plans (their tfstate members included) and the artifact folder is refused by STS", async () => {
    // Everything the runs wrote (states, saved plans, synthesized and applied stacks), but provider binaries.
    const files = filesUnder(dir);
    const found = keysIn(files);
    expect(files.filter((f) => f.endsWith(".tfstate")).length).toBeGreaterThanOrEqual(4);
    expect(filesUnder(artifacts).filter((f) => f.endsWith(".tfplan")).length).toBeGreaterThanOrEqual(4);
    await enforceCredentials(servers.emulator, true);
    const answers = await tryEvery(found);
    expect(answers.filter((a) => a.startsWith("accepted"))).toEqual([]);
    // No secret at all: the only key id Terraform knows is the one Vault reports (`access_key`, read back by the provider).
    expect([...found.secrets]).toEqual([]);
    expect(found.ids.size).toBeLessThanOrEqual(1);
  });

  test("with credentials checked, Vault's key is accepted: every role still gets credentials through Vault", async () => {
    const model = buildModel(loadConfig(first));
    const aws = { endpoint: servers.emulator.endpoint, region: "us-east-1" };
    await enforceCredentials(servers.emulator, true);
    const checked = await proveThroughVault(model, servers.vault.root, aws);
    // moto, checking credentials, also evaluates the trust policy of a role in the caller's own
    // account, and of its conditions only sts:ExternalId: the aws:PrincipalArn condition every
    // trust policy here carries fails there. So a role in the broker's account is refused by that
    // trust check (AccessDenied), after the key itself passed (no InvalidClientTokenId or
    // SignatureDoesNotMatch); a role in another account is issued in full.
    expect(checked.map((c) => [c.target.vaultRole, c.ok])).toEqual([
      ["primary-readonly", false],
      ["dev-ec2-admin", true],
    ]);
    expect(checked[0].detail).toMatch(/Error assuming role: .*status code: 403/s);
    expect(checked[0].detail).not.toMatch(/InvalidClientTokenId|SignatureDoesNotMatch|security token/);
    // With the emulator's checks off again, every role, the broker's account's too.
    await enforceCredentials(servers.emulator, false);
    const all = await proveThroughVault(model, servers.vault.root, aws);
    expect(all.map((c) => [c.target.vaultRole, c.ok])).toEqual([
      ["primary-readonly", true],
      ["dev-ec2-admin", true],
    ]);
  });

  test("the emulator's checks are real: the key Vault holds is accepted, a deleted one is not", async () => {
    // The same probe, on the live side: a key minted now for the broker user is accepted while it exists.
    const { createBrokerCheckKey } = await import("../sandbox/run-sandbox");
    const model = buildModel(loadConfig(first));
    const key = await createBrokerCheckKey(
      model,
      { endpoint: servers.emulator.endpoint, region: "us-east-1" },
      "OrganizationAccountAccessRole",
    );
    await enforceCredentials(servers.emulator, true);
    const probe = () => tryEvery({ ids: new Set([key.credentials.accessKeyId]), secrets: new Set([key.credentials.secretAccessKey]) });
    expect(await probe()).toEqual(["accepted as arn:aws:iam::111111111111:user/vault-account"]);
    await enforceCredentials(servers.emulator, false);
    await key.remove();
    await enforceCredentials(servers.emulator, true);
    expect(await probe()).toEqual(["InvalidClientTokenId"]);
  });

  test("raising keyGeneration: Vault rotates its key with no gap in issuance, and the old key is refused", async () => {
    const keyInVault = async () => (await servers.vault.root.read("aws/config/root")).data!.access_key as string;
    const before = await keyInVault();
    const token = (await requesterTokens(servers.vault.root, buildModel(loadConfig(first)))).get("developers")!;
    const loop = keepIssuing(token, "aws/sts/dev-ec2-admin", { ttl: "15m" });
    const result = await runSandbox(
      { configFile: config((c) => (c.broker.keyGeneration = 2)), workDir: dir, vault: servers.vault, log: progress.log },
      servers.emulator,
    );
    const { ok, failures } = await loop.stop();
    expect(result.ok).toBe(true);
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(3);
    const after = await keyInVault();
    expect(after).not.toBe(before);
    await enforceCredentials(servers.emulator, true);
    expect(await tryEvery({ ids: new Set([before]), secrets: new Set() })).toEqual(["InvalidClientTokenId"]);
  });
});
