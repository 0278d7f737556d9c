import { DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { Model, RoleModel } from "../lib/model";

/** An AWS key pair, with a session token for temporary credentials. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** @default - a long-term key, with no session */
  readonly sessionToken?: string;
}

/** One thing to prove: a Vault role can hand out credentials for one role ARN. */
export interface CheckTarget {
  readonly vaultRole: string;
  readonly accountName: string;
  readonly accountId: string;
  readonly role: RoleModel;
  /** @default - the role requires no external ID */
  readonly externalId?: string;
  readonly ttlSeconds: number;
  /** `<mount>/sts/<vault role>`, the path a requester writes. */
  readonly stsPath: string;
  /** Whether the Vault role holds several ARNs, so a requester picks this one with `role_arn`. */
  readonly spanning: boolean;
  /** Requester groups whose ACL policy grants this Vault role. */
  readonly requesters: readonly string[];
}

/** Credentials a source handed out, with the lease Vault gave them where a lease exists. */
export interface IssuedCredentials extends AwsCredentials {
  /** @default - no lease (a direct AssumeRole) */
  readonly leaseSeconds?: number;
}

/**
 * Where credentials for a target come from. The AWS half uses `BrokerAssumeRole`, which makes the
 * same AssumeRole call Vault makes with the broker's key; the Vault half adds a source that runs
 * `vault write <mount>/sts/<role>` and hands its credentials to the same checks.
 */
export interface CredentialSource {
  /** Short name shown in the report. */
  readonly name: string;
  /**
   * The requester group whose token the source uses.
   * @default - none: the broker's own key
   */
  readonly requester?: string;
  issue(target: CheckTarget): Promise<IssuedCredentials>;
}

/** What one check found. */
export interface CheckResult {
  readonly target: CheckTarget;
  /** The credential source's name, e.g. `broker AssumeRole` or `vault write`. */
  readonly source: string;
  /** @default - the broker's own key, no requester */
  readonly requester?: string;
  readonly ok: boolean;
  /** `assumed-role ARN` on success, or what failed. */
  readonly detail: string;
  /** Milliseconds of the credential call alone. */
  readonly issueMs: number;
  /** Whether `ec2:DescribeVpcs` was tried (roles with EC2 rights). */
  readonly ec2Checked: boolean;
  /** @default - the source gives no lease */
  readonly leaseSeconds?: number;
}

/** AWS managed policies that grant `ec2:DescribeVpcs`. */
const EC2_CAPABLE_POLICIES = ["AmazonEC2FullAccess", "AmazonEC2ReadOnlyAccess", "ReadOnlyAccess", "PowerUserAccess", "AdministratorAccess"];

/** Whether a role has EC2 read rights, so `ec2:DescribeVpcs` must work with its credentials. */
export function hasEc2Rights(role: RoleModel): boolean {
  const managed = role.managedPolicyArns.some((arn) => EC2_CAPABLE_POLICIES.some((name) => arn.endsWith(`:policy/${name}`)));
  const inline = JSON.stringify(role.inlinePolicy ?? {}).match(/"ec2:(\*|Describe\*|DescribeVpcs)"/) !== null;
  return managed || inline;
}

/** Every (Vault role, role ARN) pair of a model, each one a check. */
export function checkTargets(model: Model): CheckTarget[] {
  const byArn = new Map<string, { account: Model["accounts"][number]; role: RoleModel }>();
  for (const account of model.accounts) for (const role of account.roles) byArn.set(role.roleArn, { account, role });
  return model.vaultRoles.flatMap((vaultRole) =>
    vaultRole.roleArns.map((arn) => {
      const { account, role } = byArn.get(arn)!;
      return {
        vaultRole: vaultRole.name,
        accountName: account.name,
        accountId: account.id,
        role,
        externalId: vaultRole.externalId,
        ttlSeconds: vaultRole.defaultTtlSeconds,
        stsPath: vaultRole.stsPath,
        spanning: vaultRole.roleArns.length > 1,
        requesters: vaultRole.requesters,
      };
    }),
  );
}

/** Clients of one emulator or AWS endpoint. */
export interface AwsEndpoint {
  /** @default - the SDK's AWS endpoint for the region */
  readonly endpoint?: string;
  readonly region: string;
}

/** A session name like Vault's, `vault-<role>-<time>`, cut to STS's 64 characters. */
export function sessionName(vaultRole: string): string {
  return `vault-${vaultRole}`.slice(0, 50) + `-${Date.now()}`;
}

/** Credentials the way Vault's engine gets them: AssumeRole with the broker's key. */
export class BrokerAssumeRole implements CredentialSource {
  public readonly name = "broker AssumeRole";
  private readonly sts: STSClient;

  constructor(broker: AwsCredentials, aws: AwsEndpoint) {
    this.sts = new STSClient({ region: aws.region, endpoint: aws.endpoint, credentials: broker });
  }

  async issue(target: CheckTarget): Promise<IssuedCredentials> {
    const response = await this.sts.send(
      new AssumeRoleCommand({
        RoleArn: target.role.roleArn,
        RoleSessionName: sessionName(target.vaultRole),
        ExternalId: target.externalId,
        DurationSeconds: target.ttlSeconds,
      }),
    );
    const c = response.Credentials!;
    return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken };
  }
}

/**
 * The walkthrough's chain for one target: credentials from `source`; `sts:GetCallerIdentity` must
 * say `arn:<partition>:sts::<target id>:assumed-role/<role>/…`; a role with EC2 rights must be able
 * to call `ec2:DescribeVpcs` in that account; a lease, where the source has one, must last the
 * requested TTL.
 */
export async function checkTarget(source: CredentialSource, target: CheckTarget, model: Model, aws: AwsEndpoint): Promise<CheckResult> {
  const started = process.hrtime.bigint();
  const base = { target, source: source.name, requester: source.requester };
  let credentials: IssuedCredentials;
  try {
    credentials = await source.issue(target);
  } catch (error) {
    return {
      ...base,
      ok: false,
      detail: `${source.name} failed: ${(error as Error).message}`,
      issueMs: elapsedMs(started),
      ec2Checked: false,
    };
  }
  const issueMs = elapsedMs(started);
  const issued = { ...base, issueMs, leaseSeconds: credentials.leaseSeconds };
  const expected = `arn:${model.partition}:sts::${target.accountId}:assumed-role/${target.role.name}/`;
  try {
    if (credentials.leaseSeconds !== undefined && credentials.leaseSeconds !== target.ttlSeconds) {
      return {
        ...issued,
        ok: false,
        detail: `lease of ${credentials.leaseSeconds} s, expected the requested ${target.ttlSeconds} s`,
        ec2Checked: false,
      };
    }
    const identity = await new STSClient({ region: aws.region, endpoint: aws.endpoint, credentials }).send(
      new GetCallerIdentityCommand({}),
    );
    if (!identity.Arn?.startsWith(expected)) {
      return { ...issued, ok: false, detail: `caller is ${identity.Arn}, expected ${expected}…`, ec2Checked: false };
    }
    const ec2Checked = hasEc2Rights(target.role);
    if (ec2Checked) {
      await new EC2Client({ region: aws.region, endpoint: aws.endpoint, credentials }).send(new DescribeVpcsCommand({}));
    }
    return { ...issued, ok: true, detail: identity.Arn, ec2Checked };
  } catch (error) {
    return { ...issued, ok: false, detail: (error as Error).message, ec2Checked: false };
  }
}

function elapsedMs(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}
