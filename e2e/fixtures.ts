import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportSPKI, generateKeyPair, SignJWT } from "jose";
import { stringify } from "yaml";
import { type Emulator, startEmulator } from "../sandbox/emulator";
import { ensureVault } from "../sandbox/vault-build";
import type { PlannedChange } from "../run/runner";
import type { VaultClient } from "../run/vault-client";
import { startVault, type VaultServer } from "../sandbox/vault-server";

/** A fresh temporary folder for one test's sandbox. */
export function workDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `vama-e2e-${label}-`));
}

/** Writes a config given as data to `<dir>/<name>` and returns its path. */
export function writeConfig(dir: string, name: string, data: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, stringify(data));
  return file;
}

/** A small config: the broker's account and one target account. */
export function smallConfig(): Record<string, any> {
  return {
    broker: { account: "primary" },
    requesters: { sre: { description: "On-call SREs" }, developers: { description: "Application developers" } },
    accounts: [
      {
        name: "primary",
        id: "111111111111",
        roles: [{ name: "readonly", managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], requesters: ["sre"] }],
      },
      {
        name: "dev",
        id: "222222222222",
        roles: [{ name: "ec2-admin", managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEC2FullAccess"], requesters: ["developers"] }],
      },
    ],
  };
}

/** Collects progress lines, and shows them when a test fails. */
export function collector(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line) };
}

/** What a run of the `vault-aws` command printed, and its exit code. */
export interface VaultAwsRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `vault-aws <args>` as a user runs it (the launcher), in `cwd` with `env`; each run is logged with its output. */
export function runVaultAws(
  args: string[],
  options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv; readonly log: (line: string) => void },
): Promise<VaultAwsRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, "..", "bin", "vault-aws.js"), ...args], { cwd: options.cwd, env: options.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.once("error", reject);
    child.once("close", (code) => {
      options.log(`$ vault-aws ${args.join(" ")} → ${code}\n${stdout}${stderr}`);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

/** An emulator and a Vault dev server, as `sandboxServers` gives them. */
export interface SandboxServers {
  readonly emulator: Emulator;
  readonly vault: VaultServer;
}

/**
 * A fresh emulator and Vault for the describe block it is called in (configs that reuse account
 * ids or the mount need their own), stopped, and their folder removed, after it.
 */
export function sandboxServers(label: string): SandboxServers {
  const dir = workDir(`servers-${label}`);
  const servers = {} as { emulator: Emulator; vault: VaultServer };
  beforeAll(async () => {
    servers.emulator = await startEmulator();
    servers.vault = await startTestVault(dir);
  });
  afterAll(async () => {
    await servers.emulator?.stop();
    await servers.vault?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return servers;
}

/**
 * A Vault dev server for one test file, from the cached build (`npm run vault:build`, which
 * `.ci/run` calls first; built here if missing). `env` adds to its environment, e.g. the AWS
 * credentials of the role a keyless broker runs as.
 */
export async function startTestVault(dir: string, env?: Readonly<Record<string, string>>): Promise<VaultServer> {
  const build = await ensureVault(() => undefined);
  return startVault({ binary: build.binary, logDir: join(dir, "vault"), env });
}

/**
 * Issues credentials for one Vault role over and over in the background, as a requester would
 * during a change, and counts failures. `stop()` returns every failure seen.
 */
export function keepIssuing(
  client: Pick<VaultClient, "write">,
  path: string,
  body: Record<string, string>,
  everyMs = 250,
): { stop(): Promise<{ ok: number; failures: string[] }> } {
  let running = true;
  let ok = 0;
  const failures: string[] = [];
  const loop = (async () => {
    while (running) {
      try {
        const answer = await client.write(path, body);
        if (!answer.data?.access_key) failures.push(`no access_key in ${JSON.stringify(Object.keys(answer.data ?? {}))}`);
        else ok++;
      } catch (error) {
        failures.push((error as Error).message);
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  const stop = async () => {
    running = false;
    await loop;
    issuingLoops.delete(stop);
    return { ok, failures };
  };
  issuingLoops.add(stop);
  return { stop };
}

/**
 * Loops still issuing when a test file ends: an assertion failed before the test stopped its
 * loop. This file-level hook runs after the describe blocks' own (a server already stopped there
 * only makes the loop's last request fail), so a failing test fails the run instead of leaving
 * jest waiting on a loop that never ends.
 */
const issuingLoops = new Set<() => Promise<unknown>>();
afterAll(async () => {
  for (const stop of [...issuingLoops]) await stop();
});

/**
 * A planned change in one line, `<stack> <actions> <type>[ (<fields>)]`: an update names the
 * top-level fields whose value changes, so that a test states what an update does, not only that
 * it happens.
 */
export function changeLine(stack: string, change: PlannedChange, address = change.type): string {
  const line = `${stack} ${change.actions.join("+")} ${address}`;
  if (change.actions.join("+") !== "update") return line;
  const before = (change.before ?? {}) as Record<string, unknown>;
  const after = (change.after ?? {}) as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .sort();
  return `${line} (${fields.join(", ")})`;
}

/** An identity provider for the tests: requesters log in through Vault's JWT auth, as people do. */
export interface JwtIdentityProvider {
  /** Logs in as `subject`, a member of `groups` (the `groups` claim), and returns a client holding Vault's token. */
  login(subject: string, groups: readonly string[]): Promise<VaultClient>;
}

/**
 * Mounts Vault's JWT auth at `jwt`, trusting a key pair made here, with one login role (`role`) that
 * maps the `groups` claim to external groups: the bindings of a config then turn those into the
 * requesters' identity groups. `tokenPolicies` are what every login gets besides its groups'.
 */
export async function jwtIdentityProvider(
  vault: VaultClient,
  options: { role?: string; tokenPolicies?: readonly string[]; noDefaultPolicy?: boolean; ttl?: string } = {},
): Promise<JwtIdentityProvider> {
  const issuer = "https://idp.sandbox.test";
  const role = options.role ?? "engineer";
  const keys = await generateKeyPair("RS256");
  await vault.write("sys/auth/jwt", { type: "jwt" });
  await vault.write("auth/jwt/config", { jwt_validation_pubkeys: [await exportSPKI(keys.publicKey)], bound_issuer: issuer });
  await vault.write(`auth/jwt/role/${role}`, {
    role_type: "jwt",
    user_claim: "sub",
    groups_claim: "groups",
    bound_audiences: ["vault"],
    token_policies: [...(options.tokenPolicies ?? [])],
    token_no_default_policy: options.noDefaultPolicy ?? false,
    token_ttl: options.ttl ?? "15m",
  });
  return {
    async login(subject, groups) {
      const jwt = await new SignJWT({ groups: [...groups] })
        .setProtectedHeader({ alg: "RS256" })
        .setSubject(subject)
        .setIssuer(issuer)
        .setAudience("vault")
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(keys.privateKey);
      const answer = await vault.withToken("").write("auth/jwt/login", { role, jwt });
      return vault.withToken(answer.auth!.client_token as string);
    },
  };
}

/** Writes the small config, changed by `change`, to a file of its own in `dir` each call, and returns its path. */
export function smallConfigFiles(dir: string): (change?: (config: Record<string, any>) => void) => string {
  let written = 0;
  return (change = () => undefined) => {
    const data = smallConfig();
    change(data);
    return writeConfig(dir, `accounts-${++written}.yaml`, data);
  };
}
