import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadConfig } from "../lib/config/load";
import { isVaultStack, VAULT_STACK_NAME } from "../lib/names";
import type { Model } from "../lib/model";
import { SANDBOX_ENDPOINT_ENV, SANDBOX_STATE_DIR_ENV } from "../lib/sandbox";
import { repoRoot } from "../run/repo-root";
import { offlineTerraformEnv } from "../run/terraform";
import { synthesize } from "../synth";
import { type AwsCredentials, type AwsEndpoint, BrokerAssumeRole, type CheckResult, checkTarget, checkTargets } from "./checks";
import { deployWithCdktf } from "./cdktf-deploy";
import { applyStack, destroyStack, keepApplied, orphanedStacks, planExitCode, type StackOutcome } from "./deploy";
import { inPool } from "../run/pool";
import { StackFailure } from "../run/runner";
import { printTable } from "./report";
import { type Emulator, startEmulator } from "./emulator";
import { SANDBOX_KEY, sandboxProfiles } from "./profiles";
import { type SynthesizedStack, stacksInOrder } from "../run/stacks";
import { accountIam, checkStoredRoles, type StoredRoleResult } from "./stored-roles";
import { CreateAccessKeyCommand, DeleteAccessKeyCommand } from "@aws-sdk/client-iam";
import { ensureBrokerKey } from "../run/broker-key";
import { adoptUnrecordedGroups } from "../run/adopt-groups";
import { ensureInit } from "../run/runner";
import { CreateBucketCommand, HeadBucketCommand, PutBucketVersioningCommand, S3Client } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { proveThroughVault } from "./vault-checks";
import type { VaultBuild } from "./vault-build";
import { killOnInterrupt } from "./interrupt";
import { awsEnvironment, brokerRoleSession } from "./broker-role";
import { startVault, type VaultEndpoint, type VaultServer } from "./vault-server";

/** Options of one sandbox run. */
export interface SandboxRunOptions {
  /** The accounts file to deploy. */
  readonly configFile: string;
  /** Folder for the synth output, state files and Terraform's config; reused across runs. */
  readonly workDir: string;
  /**
   * An emulator already running (its URL); the run neither starts nor stops it.
   * @default - the emulator passed to `runSandbox`
   */
  readonly endpoint?: string;
  /**
   * How stacks are applied: plain `terraform` per stack directory (the GitOps path) or
   * `cdktf deploy` (the workstation path).
   * @default "terraform"
   */
  readonly via?: "terraform" | "cdktf";
  /**
   * How many stacks are applied at once.
   * @default 2
   */
  readonly parallelism?: number;
  /**
   * The Vault the vault stack is applied to, and the walkthrough goes through: a dev server, or one
   * node of a cluster (`VaultCluster.through`).
   * @default - the vault stack is not applied (the AWS half only)
   */
  readonly vault?: VaultEndpoint;
  /** Where progress lines go. */
  readonly log: (line: string) => void;
}

/** What a sandbox run found. */
export interface SandboxRunResult {
  readonly stacks: readonly StackOutcome[];
  /** `terraform plan -detailed-exitcode` of each applied stack after the apply (0: no changes). */
  readonly secondPlan: Readonly<Record<string, number>>;
  /** Each role read back from the emulator and compared with the synthesized one. */
  readonly storedRoles: readonly StoredRoleResult[];
  readonly checks: readonly CheckResult[];
  readonly ok: boolean;
}

/** The repository root, where `cdktf.json` is. */
export const ROOT = repoRoot();

/** Why the vault stack is not applied when the sandbox runs without Vault. */
export const VAULT_SKIP_REASON = "not applied: this run has no Vault server (--no-vault)";

/**
 * Synthesizes the config in sandbox mode, applies every AWS stack in dependency order, then the
 * vault stack to the Vault dev server, destroys stacks of removed accounts, checks that a second
 * plan is empty, and proves the credential chain of every configured role: with the broker's key
 * as Vault's engine uses it, and through Vault with each requester group's token. Throws
 * `StackFailure` naming the stack that failed.
 */
export async function runSandbox(options: SandboxRunOptions, emulator?: Emulator): Promise<SandboxRunResult> {
  const { log } = options;
  const endpoint = options.endpoint ?? emulator?.endpoint;
  if (!endpoint) throw new Error("runSandbox needs an endpoint or an emulator");
  const { model, stacks, env, appliedDir, deployRoleName } = await synthForSandbox(options.configFile, options.workDir, endpoint, log);
  const aws = { endpoint, region: model.vault.region };
  // The broker's stack looks the role up when it is planned: it must exist first, as in production.
  const roleSession = model.broker.role ? await brokerRoleSession(model, aws, deployRoleName, log) : undefined;
  const awsStacks = stacks.filter((s) => !isVaultStack(s.name));
  const vaultStack = stacks.find((s) => s.name === VAULT_STACK_NAME)!;
  const rolesStacks = stacks.filter((s) => isVaultStack(s.name) && s !== vaultStack);
  // Only the Vault stacks' terraform gets the Vault token, by environment.
  const vaultEnv = options.vault ? { ...env, ...options.vault.env } : env;
  const envOf = (stack: SynthesizedStack) => (isVaultStack(stack.name) ? vaultEnv : env);
  const applied = options.vault ? [...awsStacks, vaultStack, ...rolesStacks] : awsStacks;
  const outcomes: StackOutcome[] = [];
  const report = (outcome: StackOutcome, index: number, total: number) => {
    outcomes.push(outcome);
    log(`[${index}/${total}] ${outcome.stack.padEnd(24)} ${outcome.action} ${outcome.detail} (${outcome.seconds.toFixed(1)}s)`);
  };

  /**
   * A group Vault committed while its answer was lost (a leader killed mid-apply) blocks every later
   * apply until the state holds it; `vault-aws plan` (not --read-only) adopts it the same way.
   */
  const adoptGroups = async (vault: VaultEndpoint) => {
    await ensureInit(vaultStack.name, vaultStack.dir, envOf(vaultStack));
    await namingStack(vaultStack.name, "reading Vault's identity groups", () =>
      adoptUnrecordedGroups({ stackName: vaultStack.name, dir: vaultStack.dir, env: envOf(vaultStack), vault: vault.root, log }),
    );
  };

  if (options.via === "cdktf") {
    if (options.vault) await adoptGroups(options.vault);
    const deployed = await deployWithCdktf(applied, vaultEnv, options.parallelism ?? 2, log);
    deployed.forEach((outcome, i) => report(outcome, i + 1, stacks.length));
    for (const stack of applied) keepApplied(stack, appliedDir);
    if (options.vault) await sandboxBrokerKey(model, options.vault, aws, deployRoleName, log);
  } else {
    let done = 0;
    const applyOne = async (stack: SynthesizedStack) => {
      log(`[${stack.name}] applying…`);
      if (options.vault && stack === vaultStack) await adoptGroups(options.vault);
      const outcome = await applyStack(stack, envOf(stack));
      keepApplied(stack, appliedDir);
      report(outcome, ++done, stacks.length);
    };
    // In waves: the AWS stacks; then `vault`, which reads the broker's key from the broker stack's
    // state; then the roles stacks, which write under its mount.
    await inPool(awsStacks, options.parallelism ?? 2, applyOne);
    if (options.vault) {
      await applyOne(vaultStack);
      // As the pipeline's apply job runs `vault-aws broker-key` after the stacks: the engine gets a
      // key only Vault has seen.
      await sandboxBrokerKey(model, options.vault, aws, deployRoleName, log);
      await inPool(rolesStacks, options.parallelism ?? 2, applyOne);
    }
  }
  if (!options.vault) {
    for (const stack of [vaultStack, ...rolesStacks])
      report({ stack: stack.name, action: "skipped", seconds: 0, detail: VAULT_SKIP_REASON }, stacks.length, stacks.length);
  }

  const orphans = orphanedStacks(appliedDir, stacks);
  for (const [i, orphan] of orphans.entries()) {
    log(`[removed ${i + 1}/${orphans.length}] ${orphan.name.padEnd(16)} destroying…`);
    report(await destroyStack(orphan, envOf(orphan)), i + 1, orphans.length);
  }

  const secondPlan: Record<string, number> = {};
  await inPool(applied, options.parallelism ?? 2, async (stack) => {
    const plan = await planExitCode(stack, envOf(stack));
    secondPlan[stack.name] = plan.code;
    if (plan.code !== 0)
      log(`second plan of ${stack.name} is not empty (exit ${plan.code}):\n${plan.output.split("\n").slice(-20).join("\n")}`);
  });
  log(`second plan: ${Object.values(secondPlan).filter((c) => c === 0).length}/${applied.length} stacks with no changes`);

  const storedRoles = await checkStoredRoles(
    model,
    aws,
    { accessKeyId: SANDBOX_KEY.AWS_ACCESS_KEY_ID, secretAccessKey: SANDBOX_KEY.AWS_SECRET_ACCESS_KEY },
    deployRoleName,
  );
  for (const r of storedRoles.filter((r) => !r.ok)) log(`stored role ${r.accountName}/${r.roleName} differs: ${r.problems.join("; ")}`);
  log(
    `stored roles: ${storedRoles.filter((r) => r.ok).length}/${
      storedRoles.length
    } hold the synthesized trust policy, session length and managed policies`,
  );

  // What Vault's engine uses: (keyless) the session its environment holds; or the user's rights,
  // through a short-lived key of the user (Vault's own key never leaves Vault).
  const checks =
    model.broker.identity === "role"
      ? await proveChain(model, roleSession!, aws, log)
      : await withBrokerCheckKey(model, aws, deployRoleName, (key) => proveChain(model, key, aws, log));
  if (options.vault) checks.push(...(await proveThroughVault(model, options.vault.root, aws)));
  printTable(checks, log, model.broker.identity === "role" ? "the broker role's session" : undefined);
  const ok = checks.every((c) => c.ok) && storedRoles.every((r) => r.ok) && Object.values(secondPlan).every((c) => c === 0);
  return { stacks: outcomes, secondPlan, storedRoles, checks, ok };
}

/** A config synthesized in sandbox mode, with the environment that applies it. */
export interface SandboxSynth {
  readonly model: Model;
  /** Stacks in dependency order. */
  readonly stacks: readonly SynthesizedStack[];
  /** Environment for terraform: offline provider mirror, throwaway credentials. */
  readonly env: NodeJS.ProcessEnv;
  /** Where copies of applied stacks are kept, to destroy them once they leave the config. */
  readonly appliedDir: string;
  /** The config's default deployment role, used to inspect accounts reached by profile. */
  readonly deployRoleName: string;
}

/**
 * Validates the config and synthesizes it in sandbox mode into `<workDir>/cdktf.out`, in this
 * process, through the same `synthesize()` as `vault-aws synth`: the sandbox deploys the sources as
 * they are now, with no build step.
 */
export async function synthForSandbox(
  configFile: string,
  workDir: string,
  endpoint: string,
  log: (line: string) => void,
): Promise<SandboxSynth> {
  const config = loadConfig(configFile);
  const work = resolve(workDir);
  const stateDir = join(work, "state");
  const outdir = join(work, "cdktf.out");
  mkdirSync(stateDir, { recursive: true });
  const synthEnv = {
    ...process.env,
    ACCOUNTS_FILE: resolve(configFile),
    CDKTF_OUTDIR: outdir,
    [SANDBOX_ENDPOINT_ENV]: endpoint,
    [SANDBOX_STATE_DIR_ENV]: stateDir,
  };
  log(`synth: ${configFile} in sandbox mode (emulator ${endpoint})`);
  // Local state lives in stateDir in sandbox mode; the project folder is where synth always ran.
  const { model } = synthesize({
    configFile: resolve(configFile),
    outdir,
    localStateDir: ROOT,
    sandbox: { awsEndpoint: endpoint, stateDir },
    warn: log,
  });
  if (model.state.kind === "s3") await ensureStateBucket(model.state.bucket, model.state.region, endpoint, log);
  const env = {
    ...offlineTerraformEnv(join(work, "terraform"), synthEnv),
    ...SANDBOX_KEY,
    AWS_REGION: "us-east-1",
    // The SDK's own STS call for profiles with role_arn goes to the emulator too.
    AWS_ENDPOINT_URL_STS: endpoint,
    ...sandboxProfiles(model, join(work, "aws"), config.deployment.roleName),
  };
  return { model, stacks: stacksInOrder(outdir), env, appliedDir: join(work, "applied"), deployRoleName: config.deployment.roleName };
}

/**
 * Creates the config's state bucket on the emulator if it is not there yet, versioned as a state
 * bucket should be, so the sandbox runs the S3 backend (and its lock file) as production does.
 */
async function ensureStateBucket(bucket: string, region: string, endpoint: string, log: (line: string) => void): Promise<void> {
  const s3 = new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId: SANDBOX_KEY.AWS_ACCESS_KEY_ID, secretAccessKey: SANDBOX_KEY.AWS_SECRET_ACCESS_KEY },
  });
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
    log(`state: bucket s3://${bucket} created on the emulator (versioned)`);
  }
}

/** The emulator's throwaway credentials, as the sandbox's deployer. */
const DEPLOYER = { accessKeyId: SANDBOX_KEY.AWS_ACCESS_KEY_ID, secretAccessKey: SANDBOX_KEY.AWS_SECRET_ACCESS_KEY };

/**
 * `vault-aws broker-key`'s work against the sandbox's Vault and emulator (key mode only): what the
 * pipeline's apply job runs after the stacks, and what an upgrade runs once after applying.
 */
export async function sandboxBrokerKey(
  model: Model,
  vault: VaultEndpoint,
  aws: AwsEndpoint,
  deployRoleName: string,
  log: (line: string) => void,
): Promise<void> {
  if (model.broker.identity !== "user" || !model.broker.user) return;
  const account = model.accounts.find((a) => a.name === model.broker.accountName)!;
  const iam = await accountIam(model, account, aws, DEPLOYER, deployRoleName);
  const userName = model.broker.user.userName;
  await namingStack(VAULT_STACK_NAME, "giving Vault's engine the broker's key", () =>
    ensureBrokerKey({ mount: model.vault.mount, userName, vault: vault.root, iam, log }),
  );
}

/**
 * Runs a Vault-side step of a stack's apply; a failure (Vault unreachable, a leader lost) names the
 * stack and the step, as a failed apply does, so a rerun knows where it stopped.
 */
async function namingStack<T>(stackName: string, step: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof StackFailure) throw error;
    throw new StackFailure(stackName, (error as Error).message, `${step} failed`);
  }
}

/**
 * Runs `body` with a short-lived key of the broker user, deleted afterwards: the sandbox's direct
 * checks and benchmarks call AWS with the user's rights, since the key Vault holds never leaves it.
 * Never printed. IAM allows two keys per user: this one and Vault's.
 */
export async function withBrokerCheckKey<T>(
  model: Model,
  aws: AwsEndpoint,
  deployRoleName: string,
  body: (key: AwsCredentials) => Promise<T>,
): Promise<T> {
  const key = await createBrokerCheckKey(model, aws, deployRoleName);
  try {
    return await body(key.credentials);
  } finally {
    await key.remove();
  }
}

/** A new key of the broker user on the emulator, and how to delete it (see `withBrokerCheckKey`). */
export async function createBrokerCheckKey(
  model: Model,
  aws: AwsEndpoint,
  deployRoleName: string,
): Promise<{ credentials: AwsCredentials; remove: () => Promise<void> }> {
  const account = model.accounts.find((a) => a.name === model.broker.accountName)!;
  const iam = await accountIam(model, account, aws, DEPLOYER, deployRoleName);
  const UserName = model.broker.user!.userName;
  const { AccessKey: key } = await iam.send(new CreateAccessKeyCommand({ UserName }));
  const credentials = { accessKeyId: key!.AccessKeyId!, secretAccessKey: key!.SecretAccessKey! };
  return {
    credentials,
    remove: async () => void (await iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: credentials.accessKeyId }))),
  };
}

/**
 * Checks that the credentials are the broker's (the user's key, or a session of the role Vault runs
 * as), then runs the identity chain for every target.
 */
async function proveChain(model: Model, broker: AwsCredentials, aws: AwsEndpoint, log: (line: string) => void): Promise<CheckResult[]> {
  const me = await new STSClient({ ...aws, credentials: broker }).send(new GetCallerIdentityCommand({}));
  const role = model.broker.identity === "role" ? model.broker.role! : undefined;
  if (role) {
    const session = `arn:${model.partition}:sts::${model.broker.accountId}:assumed-role/${role.roleName}/`;
    if (!me.Arn?.startsWith(session)) throw new Error(`the broker's session is ${me.Arn}, expected ${session}…`);
    log(`broker session is ${me.Arn}: Vault's environment credentials, a session of ${role.roleArn}`);
  } else {
    const { userArn } = model.broker.user!;
    if (me.Arn !== userArn) throw new Error(`the broker's key belongs to ${me.Arn}, expected ${userArn}`);
    log(`broker key belongs to ${me.Arn}`);
  }
  const source = new BrokerAssumeRole(broker, aws);
  const results: CheckResult[] = [];
  for (const target of checkTargets(model)) results.push(await checkTarget(source, target, model, aws));
  return results;
}

/** Options of `withVault`. */
export interface WithVaultOptions {
  readonly workDir: string;
  /** Leave Vault running after the body. */
  readonly keep: boolean;
  readonly log: (line: string) => void;
  /**
   * AWS credentials Vault gets in its environment, as from the role it runs as (a keyless broker).
   * @default - none: the engine uses the broker user's key
   */
  readonly awsCredentials?: AwsCredentials;
  /** @default "us-east-1" */
  readonly awsRegion?: string;
}

/**
 * Starts a Vault dev server on 127.0.0.1 from a build (see `ensureVault`), runs, and stops it
 * unless `keep`.
 */
export async function withVault<T>(build: VaultBuild, options: WithVaultOptions, body: (vault: VaultServer) => Promise<T>): Promise<T> {
  const { workDir, keep, log, awsCredentials } = options;
  const env = awsCredentials ? awsEnvironment(awsCredentials, options.awsRegion ?? "us-east-1") : undefined;
  const vault = await startVault({ binary: build.binary, logDir: join(resolve(workDir), "vault"), env });
  log(
    `vault ${build.version} dev server at ${vault.address} (root token random, kept in memory only${
      env ? "; AWS credentials of the broker role's session in its environment" : ""
    })`,
  );
  const release = killOnInterrupt(vault.process);
  try {
    return await body(vault);
  } finally {
    if (keep) vault.detach();
    else await vault.stop();
    release();
  }
}

/** Starts the emulator unless one is given, runs, and stops what it started unless `keep`. */
export async function withEmulator<T>(endpoint: string | undefined, keep: boolean, body: (emulator?: Emulator) => Promise<T>): Promise<T> {
  const emulator = endpoint ? undefined : await startEmulator();
  const release = emulator ? killOnInterrupt(emulator.process) : () => undefined;
  try {
    return await body(emulator);
  } finally {
    if (emulator && !keep) await emulator.stop();
    release();
  }
}
