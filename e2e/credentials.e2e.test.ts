import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "../sandbox/emulator";
import { runSandbox } from "../sandbox/run-sandbox";
import type { VaultClient } from "../run/vault-client";
import { AWS_PROVIDER, offlineTerraformEnv } from "../run/terraform";
import {
  collector,
  type JwtIdentityProvider,
  jwtIdentityProvider,
  runVaultAws,
  sandboxServers,
  smallConfig,
  workDir,
  writeConfig,
} from "./fixtures";

const exec = promisify(execFile);

/**
 * Credentials where engineers use them, against one real Vault (JWT auth from a local identity
 * provider, a file audit device the config asks for) and one emulator: `vault-aws credentials`
 * through the launcher, generated profiles run by the real AWS CLI and the Terraform AWS provider,
 * session names that carry the person, and `trace` from an access key id back to the login.
 */
describe("credentials, profiles and trace, end to end", () => {
  const servers = sandboxServers("credentials");
  const dir = workDir("credentials");
  const auditLog = join(dir, "audit.log");
  const progress = collector();
  let configFile: string;
  let alice: VaultClient;
  let bob: VaultClient;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let idp: JwtIdentityProvider;
  /** The environment of an engineer's shell: their token, their own cache, config files and no ~/.vault-token. */
  const shell = (token: string | undefined, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of Object.keys(env)) if (/^(VAULT_|AWS_)/.test(name)) delete env[name];
    Object.assign(env, {
      HOME: join(dir, "home"),
      VAULT_ADDR: servers.vault.env.VAULT_ADDR,
      VAULT_AWS_CACHE_DIR: join(dir, "cache"),
      AWS_CONFIG_FILE: join(dir, "aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-credentials"),
      AWS_ENDPOINT_URL: servers.emulator.endpoint,
      ACCOUNTS_FILE: configFile,
      ...extra,
    });
    if (token !== undefined) env.VAULT_TOKEN = token;
    return env;
  };
  const vaultAws = (args: string[], env: NodeJS.ProcessEnv) => runVaultAws(args, { cwd: dir, env, log: progress.log });
  /** Who the emulator says these credentials are. */
  const callerOf = async (c: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string }) => {
    const sts = new STSClient({
      endpoint: servers.emulator.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
    });
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn!;
  };
  /** Issuances of a Vault role to a display name in the audit log so far. */
  const issuancesIn = (vaultRole: string, displayName: string) =>
    readFileSync(auditLog, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l))
      .filter(
        (e) =>
          e.type === "response" &&
          e.request?.path === `aws/sts/${vaultRole}` &&
          e.auth?.display_name === displayName &&
          e.response?.data?.access_key,
      ).length;

  beforeAll(async () => {
    mkdirSync(join(dir, "home"), { recursive: true });
    idp = await jwtIdentityProvider(servers.vault.root, { tokenPolicies: ["default"] });
    const config = smallConfig();
    config.requesters.developers.groups = [{ authMount: "jwt", name: "eng-developers" }];
    config.vaultRoles = [{ name: "ec2-anywhere", targets: ["dev/ec2-admin", "primary/readonly"], requesters: ["developers"] }];
    config.vault = { audit: { type: "file", options: { file_path: auditLog } } };
    configFile = writeConfig(dir, "accounts.yaml", config);
    expect(
      (await runSandbox({ configFile, workDir: join(dir, "sandbox"), vault: servers.vault, log: progress.log }, servers.emulator)).ok,
    ).toBe(true);
    alice = await idp.login("alice", ["eng-developers"]);
    bob = await idp.login("bob", ["eng-developers"]);
  });

  describe("every session names its person", () => {
    test("alice's credentials, through the launcher, are dev's role in a session named after her login, unique and within 64", async () => {
      const first = await vaultAws(
        ["credentials", "--role", "dev-ec2-admin", "--ttl", "15m"],
        shell(alice.token, { VAULT_AWS_CACHE_DIR: join(dir, "cache-alice-1") }),
      );
      const second = await vaultAws(
        ["credentials", "--role", "dev-ec2-admin", "--ttl", "15m"],
        shell(alice.token, { VAULT_AWS_CACHE_DIR: join(dir, "cache-alice-2") }),
      );
      expect([first.code, second.code]).toEqual([0, 0]);
      const names: string[] = [];
      for (const run of [first, second]) {
        const credentials = JSON.parse(run.stdout);
        expect(credentials).toEqual({
          Version: 1,
          AccessKeyId: expect.any(String),
          SecretAccessKey: expect.any(String),
          SessionToken: expect.any(String),
          Expiration: expect.any(String),
        });
        expect(Date.parse(credentials.Expiration) - Date.now()).toBeGreaterThan(14 * 60_000);
        const arn = await callerOf(credentials);
        expect(arn).toMatch(/^arn:aws:sts::222222222222:assumed-role\/ec2-admin\/vault-jwt-alice-dev-ec2-admin-\d{10}-[A-Za-z0-9]{10}$/);
        names.push(arn.split("/").pop()!);
      }
      expect(names[0]).not.toBe(names[1]);
      for (const name of names) expect(name.length).toBeLessThanOrEqual(64);
    });
    test("bob cannot get a session that claims to be alice: no role_session_name, no token with her display name; his own session names him", async () => {
      expect(
        (
          await bob.request("POST", "aws/sts/dev-ec2-admin", {
            ttl: "15m",
            role_session_name: "vault-jwt-alice-dev-ec2-admin-1796600000-aaaaaaaaaa",
          })
        ).status,
      ).toBe(403);
      expect((await bob.request("POST", "auth/token/create", { display_name: "jwt-alice", policies: ["default"] })).status).toBe(403);
      const own = await bob.write("aws/sts/dev-ec2-admin", { ttl: "15m" });
      const arn = await callerOf({
        AccessKeyId: own.data!.access_key as string,
        SecretAccessKey: own.data!.secret_key as string,
        SessionToken: own.data!.security_token as string,
      });
      expect(arn).toMatch(/\/vault-jwt-bob-dev-ec2-admin-\d{10}-/);
    });
    test("a long login name is cut, never the time and random part: the session stays within 64 and unique", async () => {
      const long = await idp.login("alice.with.a.very.long.name@example.com", ["eng-developers"]);
      const own = await long.write("aws/sts/dev-ec2-admin", { ttl: "15m" });
      const name = (
        await callerOf({
          AccessKeyId: own.data!.access_key as string,
          SecretAccessKey: own.data!.secret_key as string,
          SessionToken: own.data!.security_token as string,
        })
      )
        .split("/")
        .pop()!;
      const head = "vault-jwt-alice.with.a.very.long.name@example.com-dev-ec2-admin".slice(0, 42);
      expect(name.startsWith(`${head}-`)).toBe(true);
      expect(name.slice(43)).toMatch(/^\d{10}-[A-Za-z0-9]{10}$/);
      expect(name).toHaveLength(64);
    });
  });

  describe("generated profiles, run by real clients", () => {
    test("profiles --requester developers writes one profile per role and ARN, keeps the rest of the file, and reruns idempotently", async () => {
      const mine = "[profile mine]\nregion = eu-west-1\n";
      writeFileSync(join(dir, "aws-config"), mine);
      const run = await vaultAws(["profiles", "--requester", "developers"], shell(undefined));
      expect(run.code).toBe(0);
      expect(run.stdout.trim().split("\n")).toEqual(["dev-ec2-admin", "primary-readonly"]);
      expect(run.stderr).toContain(
        "dev-ec2-admin is already the profile of another Vault role; ec2-anywhere (arn:aws:iam::222222222222:role/ec2-admin) gets none",
      );
      const text = readFileSync(join(dir, "aws-config"), "utf8");
      expect(text.startsWith(`${mine}\n# >>> vault-aws profiles`)).toBe(true);
      expect((await vaultAws(["profiles", "--requester", "developers"], shell(undefined))).stderr).toContain("(unchanged)");
      expect(readFileSync(join(dir, "aws-config"), "utf8")).toBe(text);
    });
    test("the AWS CLI with each profile is the right account and role; the second call is served from the cache (one issuance in Vault's audit log)", async () => {
      const env = shell(alice.token, { VAULT_AWS_CACHE_DIR: join(dir, "cache-cli") });
      const caller = async (profile: string) =>
        JSON.parse((await exec("aws", ["sts", "get-caller-identity", "--profile", profile, "--output", "json"], { env })).stdout)
          .Arn as string;
      const before = issuancesIn("dev-ec2-admin", "jwt-alice");
      expect(await caller("dev-ec2-admin")).toMatch(/^arn:aws:sts::222222222222:assumed-role\/ec2-admin\/vault-jwt-alice-dev-ec2-admin-/);
      expect(await caller("dev-ec2-admin")).toMatch(/^arn:aws:sts::222222222222:assumed-role\/ec2-admin\//);
      expect(issuancesIn("dev-ec2-admin", "jwt-alice") - before).toBe(1);
      expect(await caller("primary-readonly")).toMatch(/^arn:aws:sts::111111111111:assumed-role\/readonly\/vault-jwt-alice-ec2-anywhere-/);
    });
    test('a Terraform AWS provider configured with profile = "dev-ec2-admin" plans against the emulator as dev\'s role', async () => {
      const tf = join(dir, "terraform");
      mkdirSync(tf, { recursive: true });
      writeFileSync(
        join(tf, "main.tf.json"),
        JSON.stringify({
          terraform: { required_providers: { aws: { source: "hashicorp/aws", version: AWS_PROVIDER.version } } },
          provider: {
            aws: {
              profile: "dev-ec2-admin",
              region: "us-east-1",
              skip_metadata_api_check: true,
              endpoints: { sts: servers.emulator.endpoint, iam: servers.emulator.endpoint },
            },
          },
          data: { aws_caller_identity: { me: {} } },
          output: { caller: { value: "${data.aws_caller_identity.me.arn}" } },
        }),
      );
      const env = offlineTerraformEnv(join(tf, ".rc"), shell(alice.token, { VAULT_AWS_CACHE_DIR: join(dir, "cache-cli") }));
      await exec("terraform", ["init", "-input=false", "-no-color"], { cwd: tf, env });
      const plan = await exec("terraform", ["plan", "-input=false", "-no-color"], { cwd: tf, env });
      expect(plan.stdout).toMatch(/caller = "arn:aws:sts::222222222222:assumed-role\/ec2-admin\/vault-jwt-alice-dev-ec2-admin-/);
    });
    test("profiles --from-token needs no accounts file: the token's own ACL lists the same roles", async () => {
      const file = join(dir, "aws-config-from-token");
      const run = await vaultAws(
        ["profiles", "--from-token", "--file", file],
        shell(alice.token, { ACCOUNTS_FILE: join(dir, "absent.yaml") }),
      );
      expect(run.code).toBe(0);
      // Without the accounts file, a spanning role's accounts are named by id.
      expect(run.stdout.trim().split("\n")).toEqual(["dev-ec2-admin", "111111111111-readonly", "222222222222-ec2-admin"]);
      const text = readFileSync(file, "utf8");
      expect(text).toContain("credentials --role dev-ec2-admin --address");
      expect(text).toContain("credentials --role ec2-anywhere --role-arn arn:aws:iam::111111111111:role/readonly --address");
      expect(text).toContain("credentials --role ec2-anywhere --role-arn arn:aws:iam::222222222222:role/ec2-admin --address");
    });
  });

  describe("clean failures: one line, no stack trace, an exit code each", () => {
    const oneLine = (stderr: string) => {
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(stderr).not.toMatch(/\n\s+at /);
    };
    test("a role the requester may not get: 5, naming the groups that may", async () => {
      const run = await vaultAws(["credentials", "--role", "primary-readonly"], shell(alice.token));
      expect(run.code).toBe(5);
      expect(run.stderr.trim()).toBe(
        "vault-aws: your Vault token may not get credentials for Vault role primary-readonly; requester groups that may get it: sre",
      );
      oneLine(run.stderr);
    });
    test("no token: 3; an expired or revoked token: 4; Vault unreachable: 6", async () => {
      const none = await vaultAws(["credentials", "--role", "dev-ec2-admin"], shell(undefined));
      expect([none.code, none.stderr.trim()]).toEqual([
        3,
        "vault-aws: no Vault token: neither VAULT_TOKEN nor ~/.vault-token holds one; log in with `vault login -method=oidc` (or set VAULT_TOKEN)",
      ]);
      const gone = await idp.login("carol", ["eng-developers"]);
      await gone.write("auth/token/revoke-self");
      const revoked = await vaultAws(["credentials", "--role", "dev-ec2-admin"], shell(gone.token));
      expect([revoked.code, revoked.stderr.trim()]).toEqual([
        4,
        `vault-aws: your Vault token at ${servers.vault.env.VAULT_ADDR} expired or was revoked: log in again (\`vault login -method=oidc\`)`,
      ]);
      const closed = await freePort();
      const down = await vaultAws(
        ["credentials", "--role", "dev-ec2-admin", "--address", `http://127.0.0.1:${closed}`],
        shell(alice.token),
      );
      expect(down.code).toBe(6);
      expect(down.stderr.trim()).toBe(
        `vault-aws: Vault at http://127.0.0.1:${closed} did not answer (ECONNREFUSED): check VAULT_ADDR and your network or VPN`,
      );
      for (const run of [none, revoked, down]) oneLine(run.stderr);
    });
    test("a token made without Vault's default policy is told apart from an expired one: refused a role, 5; refused its own ACL, 5, saying why", async () => {
      // What an AppRole with token_no_default_policy, or `vault token create -no-default-policy`, hands out: valid, but
      // refused auth/token/lookup-self and sys/internal/ui/resultant-acl, which only the default policy grants.
      const policies = (await alice.read("auth/token/lookup-self")).data?.identity_policies as string[];
      const bare = await servers.vault.root.createToken(policies);
      const denied = await vaultAws(["credentials", "--role", "primary-readonly"], shell(bare));
      expect([denied.code, denied.stderr.trim()]).toEqual([
        5,
        "vault-aws: your Vault token may not get credentials for Vault role primary-readonly; requester groups that may get it: sre",
      ]);
      const issued = await vaultAws(["credentials", "--role", "dev-ec2-admin"], shell(bare));
      expect(issued.code).toBe(0);
      const acl = await vaultAws(["profiles", "--from-token", "--file", join(dir, "bare-aws-config")], shell(bare));
      expect([acl.code, acl.stderr.trim()]).toEqual([
        5,
        "vault-aws: your Vault token may not read its own ACL (sys/internal/ui/resultant-acl, which Vault's default policy grants): it was made without that policy; use --requester NAME with the accounts file instead",
      ]);
      const unknown = await vaultAws(["profiles", "--from-token", "--file", join(dir, "bare-aws-config")], shell("hvs.not-a-token"));
      expect([unknown.code, unknown.stderr.trim()]).toEqual([
        4,
        `vault-aws: your Vault token at ${servers.vault.env.VAULT_ADDR} expired or was revoked: log in again (\`vault login -method=oidc\`)`,
      ]);
      for (const run of [denied, acl, unknown]) oneLine(run.stderr);
    });
    test("a spanning role without --role-arn: 7", async () => {
      const run = await vaultAws(["credentials", "--role", "ec2-anywhere"], shell(alice.token));
      expect(run.code).toBe(7);
      expect(run.stderr).toMatch(/^vault-aws: Vault role ec2-anywhere spans several role ARNs: choose one with --role-arn/);
      oneLine(run.stderr);
    });
  });

  describe("trace: from CloudTrail back to the login", () => {
    test("an access key id from a CloudTrail record, and its session name, both lead to alice, her Vault role and the time", async () => {
      const issued = await alice.write("aws/sts/dev-ec2-admin", { ttl: "15m" });
      const before = Date.now();
      const arn = await callerOf({
        AccessKeyId: issued.data!.access_key as string,
        SecretAccessKey: issued.data!.secret_key as string,
        SessionToken: issued.data!.security_token as string,
      });
      // A CloudTrail record of that call, in the documented format (the emulator keeps no trail).
      const record = {
        eventVersion: "1.08",
        userIdentity: {
          type: "AssumedRole",
          principalId: `AROAEXAMPLE:${arn.split("/").pop()}`,
          arn,
          accountId: "222222222222",
          accessKeyId: issued.data!.access_key as string,
        },
        eventTime: new Date(before).toISOString(),
        eventSource: "sts.amazonaws.com",
        eventName: "GetCallerIdentity",
      };
      const byKey = await vaultAws(["trace", record.userIdentity.accessKeyId, "--log", auditLog, "--json"], shell(undefined));
      const bySession = await vaultAws(["trace", record.userIdentity.arn.split("/").pop()!, "--log", auditLog, "--json"], shell(undefined));
      expect([byKey.code, bySession.code]).toEqual([0, 0]);
      const [found] = byKey.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(found).toMatchObject({
        accessKeyId: issued.data!.access_key as string,
        mount: "aws",
        vaultRole: "dev-ec2-admin",
        ttl: "15m",
        displayName: "jwt-alice",
        metadata: { role: "engineer" },
        sessionArn: arn,
      });
      expect(found.entityId).toEqual(expect.any(String));
      expect(Math.abs(Date.parse(found.time) - before)).toBeLessThan(60_000);
      expect(
        bySession.stdout
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l).accessKeyId),
      ).toEqual([issued.data!.access_key as string]);
      const text = await vaultAws(["trace", record.userIdentity.accessKeyId, "--log", auditLog], shell(undefined));
      expect(text.stdout).toMatch(/jwt-alice \(entity [\w-]+\)\s+got \S+\s+from aws\/sts\/dev-ec2-admin\s+ttl 15m\s+login role=engineer/);
    });
    test("--who lists the sessions a person was issued, and a key nobody issued is a clean miss", async () => {
      const who = await vaultAws(
        ["trace", "--who", "alice", "--since", new Date(Date.now() - 3600_000).toISOString(), "--log", auditLog, "--json"],
        shell(undefined),
      );
      expect(who.code).toBe(0);
      const sessions = who.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(sessions.length).toBeGreaterThanOrEqual(4);
      expect(new Set(sessions.map((s) => s.displayName))).toEqual(new Set(["jwt-alice"]));
      const miss = await vaultAws(["trace", "ASIANOBODYISSUEDTHIS", "--log", auditLog], shell(undefined));
      expect(miss.code).toBe(1);
      expect(miss.stderr).toMatch(
        /^vault-aws: no issuance in \d+ lines of .* answers that; a session issued before the audit device existed/,
      );
    });
  });
});
