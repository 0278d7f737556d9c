import { AwsSecretBackend } from "@cdktf/provider-vault/lib/aws-secret-backend";
import { Construct } from "constructs";
import { SESSION_NAME_TEMPLATE } from "../policy/trust-policy";

/** Configuration of a `VaultAwsEngine`. */
export interface VaultAwsEngineConfig {
  /** Path the engine is mounted at, e.g. `aws`. */
  readonly mount: string;
  /** Region of the engine's STS and IAM calls. */
  readonly region: string;
  /**
   * The broker user's access key.
   * @default - no key: Vault uses the AWS credentials of its own environment, those of the role it
   * runs as (`broker.identity: role`)
   */
  readonly accessKey?: BrokerAccessKey;
  /**
   * STS and IAM endpoint the engine calls instead of AWS's (the sandbox's emulator).
   * @default - AWS's endpoints for the region
   */
  readonly awsEndpoint?: string;
  /**
   * Template of the session names Vault gives AssumeRole.
   * @default SESSION_NAME_TEMPLATE - names the login and the Vault role, unique per request
   */
  readonly usernameTemplate?: string;
  /**
   * The mount's max lease TTL, in seconds.
   * @default - Vault's system maximum
   */
  readonly maxLeaseTtlSeconds?: number;
}

/**
 * The response keys Vault's audit log shows in clear for the engine: the access key id and the
 * session's ARN (which ends in the session name), never `secret_key`, `security_token` or `session_token`.
 */
export const AUDIT_CLEAR_RESPONSE_KEYS = ["access_key", "arn"] as const;

/** The request keys Vault's audit log shows in clear for the engine: the ARN and TTL asked for. */
export const AUDIT_CLEAR_REQUEST_KEYS = ["role_arn", "ttl"] as const;

/** An access key of the broker user, as its attributes (the secret is sensitive). */
export interface BrokerAccessKey {
  readonly accessKeyId: string;
  /** The provider marks it sensitive. */
  readonly secretAccessKey: string;
}

/**
 * Vault's AWS secrets engine, mounted and configured with the broker's access key, or with none so
 * that Vault uses its environment's credentials.
 */
export class VaultAwsEngine extends Construct {
  /** The mount path, as Vault reports it; roles depend on it through this attribute. */
  public readonly mountPath: string;

  constructor(scope: Construct, id: string, config: VaultAwsEngineConfig) {
    super(scope, id);
    const engine = new AwsSecretBackend(this, "engine", {
      path: config.mount,
      description: "STS credentials for the AWS accounts managed by vault-aws-multi-account",
      region: config.region,
      ...(config.accessKey !== undefined && { accessKey: config.accessKey.accessKeyId, secretKey: config.accessKey.secretAccessKey }),
      ...(config.awsEndpoint !== undefined && { stsEndpoint: config.awsEndpoint, iamEndpoint: config.awsEndpoint }),
      usernameTemplate: config.usernameTemplate ?? SESSION_NAME_TEMPLATE,
      // The access key id and session ARN in clear in Vault's audit log (never the secret, which stays
      // HMAC'd), so that what CloudTrail records in userIdentity leads to the request behind it.
      auditNonHmacResponseKeys: [...AUDIT_CLEAR_RESPONSE_KEYS],
      // Which ARN and TTL a requester asked for, in clear too: neither is a secret.
      auditNonHmacRequestKeys: [...AUDIT_CLEAR_REQUEST_KEYS],
      maxLeaseTtlSeconds: config.maxLeaseTtlSeconds,
    });
    this.mountPath = engine.path;
  }
}
