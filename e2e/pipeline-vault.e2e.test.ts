import { rmSync } from "node:fs";
import { exportSPKI, generateKeyPair, type KeyLike, SignJWT } from "jose";
import { startEmulator, type Emulator } from "../sandbox/emulator";
import { applyStack } from "../sandbox/deploy";
import { synthForSandbox } from "../sandbox/run-sandbox";
import type { VaultClient } from "../run/vault-client";
import type { VaultServer } from "../sandbox/vault-server";
import { VAULT_PIPELINE_STACK_NAME } from "../stacks/vault-pipeline-stack";
import { smallConfig, startTestVault, workDir, writeConfig } from "./fixtures";

/**
 * The pipeline's Vault side, applied as synthesized to a real Vault, logged in to with tokens from a
 * local issuer shaped like GitHub's: a pull request's token gets the plan role (reads, writes
 * nothing) and not the apply role; only the protected environment's token gets apply, which writes
 * what the Vault stacks hold and not its own policy.
 */

const ISSUER = "https://token.actions.sandbox.test";
const REPO = "acme/vault-config";
const PR = `repo:${REPO}:pull_request`;
const ENVIRONMENT = `repo:${REPO}:environment:production`;

describe("the pipeline's Vault JWT roles and policies, on a real Vault", () => {
  const dir = workDir("pipeline-vault");
  let vault: VaultServer;
  let emulator: Emulator;
  let privateKey: KeyLike;
  let started = 0;

  /** A token the CI would sign for a job whose `sub` is this, for this audience. */
  const ciToken = (sub: string, audience = "vault-aws") =>
    new SignJWT({ repository: REPO })
      .setProtectedHeader({ alg: "RS256" })
      .setSubject(sub)
      .setIssuer(ISSUER)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(privateKey);
  /** Vault's answer to a login as `role` with a token for `sub`: a client holding its token, or the HTTP status. */
  const login = async (role: string, sub: string, audience?: string): Promise<VaultClient | number> => {
    const answer = await vault.root.withToken("").request("POST", "auth/jwt/login", { role, jwt: await ciToken(sub, audience) });
    return answer.status === 200 ? vault.root.withToken(answer.body.auth!.client_token as string) : answer.status;
  };
  const as = async (role: string, sub: string) => {
    const client = await login(role, sub);
    if (typeof client === "number") throw new Error(`login as ${role} with ${sub} refused: ${client}`);
    return client;
  };

  beforeAll(async () => {
    started = Date.now();
    [vault, emulator] = await Promise.all([startTestVault(dir), startEmulator()]);
    const keys = await generateKeyPair("RS256");
    privateKey = keys.privateKey;
    // What the bootstrap's step 2 does by hand: the JWT mount, trusting the CI's issuer.
    await vault.root.write("sys/auth/jwt", { type: "jwt" });
    await vault.root.write("auth/jwt/config", { jwt_validation_pubkeys: [await exportSPKI(keys.publicKey)], bound_issuer: ISSUER });
    // The engine the Vault stacks manage, so that reads and writes under it have something to hit.
    await vault.root.write("sys/mounts/aws", { type: "aws" });
    await vault.root.write("aws/config/root", { region: "us-east-1" });
    const configFile = writeConfig(dir, "accounts.yaml", {
      ...smallConfig(),
      pipeline: { account: "primary", github: { repository: REPO } },
    });
    const { stacks, env } = await synthForSandbox(configFile, dir, emulator.endpoint, () => undefined);
    await applyStack(
      stacks.find((s) => s.name === VAULT_PIPELINE_STACK_NAME)!,
      { ...env, ...vault.env },
    );
  });
  afterAll(async () => {
    await vault?.stop();
    await emulator?.stop();
    rmSync(dir, { recursive: true, force: true });
    console.log(`pipeline-vault e2e: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  test("a pull request's token gets the plan role and not the apply role", async () => {
    expect(typeof (await login("vault-aws-plan", PR))).toBe("object");
    expect(await login("vault-aws-apply", PR)).toBe(400);
  });
  test("only the protected environment's token gets the apply role; another audience gets nothing", async () => {
    expect(typeof (await login("vault-aws-apply", ENVIRONMENT))).toBe("object");
    expect(await login("vault-aws-apply", `repo:${REPO}:ref:refs/heads/main`)).toBe(400);
    expect(await login("vault-aws-plan", PR, "https://github.com/acme")).toBe(400);
  });
  test("plan reads what the Vault stacks hold and can write none of it", async () => {
    const plan = await as("vault-aws-plan", PR);
    expect((await plan.request("GET", "aws/config/root")).status).toBe(200);
    expect((await plan.request("GET", "sys/policies/acl/pipeline.vault-aws-plan")).status).toBe(403);
    for (const [path, body] of [
      ["aws/config/root", { region: "eu-west-1" }],
      ["aws/roles/x", { credential_type: "assumed_role", role_arns: ["arn:aws:iam::222222222222:role/r"] }],
      ["aws/config/rotate-root", {}],
      ["sys/policies/acl/aws-x", { policy: 'path "*" { capabilities = ["sudo"] }' }],
      ["auth/jwt/role/vault-aws-apply", { bound_subject: PR }],
    ] as const) {
      expect([path, (await plan.request("POST", path, body)).status]).toEqual([path, 403]);
    }
  });
  test("apply writes the engine's roles and <mount>-* policies, but not its own policy or JWT role", async () => {
    const apply = await as("vault-aws-apply", ENVIRONMENT);
    expect(
      (await apply.request("POST", "aws/roles/x", { credential_type: "assumed_role", role_arns: ["arn:aws:iam::222222222222:role/r"] }))
        .status,
    ).toBe(204);
    expect(
      (await apply.request("POST", "sys/policies/acl/aws-x", { policy: 'path "aws/sts/x" { capabilities = ["update"] }' })).status,
    ).toBe(204);
    expect(
      (await apply.request("POST", "sys/policies/acl/pipeline.vault-aws-apply", { policy: 'path "*" { capabilities = ["sudo"] }' })).status,
    ).toBe(403);
    expect((await apply.request("POST", "auth/jwt/role/vault-aws-apply", { bound_subject: PR })).status).toBe(403);
  });
});
