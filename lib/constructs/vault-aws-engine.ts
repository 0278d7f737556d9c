import { AwsSecretBackend } from "@cdktf/provider-vault/lib/aws-secret-backend";
import { Construct } from "constructs";

/** Configuration of a `VaultAwsEngine`. */
export interface VaultAwsEngineConfig {
  /** Path the engine is mounted at, e.g. `aws`. */
  readonly mount: string;
  /** Region of the engine's STS and IAM calls. */
  readonly region: string;
  /** Access key id of the broker user. */
  readonly accessKeyId: string;
  /** Secret of the broker's access key; the provider marks it sensitive. */
  readonly secretAccessKey: string;
  /**
   * STS and IAM endpoint the engine calls instead of AWS's (the sandbox's emulator).
   * @default - AWS's endpoints for the region
   */
  readonly awsEndpoint?: string;
  /**
   * Template of the session names Vault gives AssumeRole.
   * @default - Vault's default
   */
  readonly usernameTemplate?: string;
  /**
   * The mount's max lease TTL, in seconds.
   * @default - Vault's system maximum
   */
  readonly maxLeaseTtlSeconds?: number;
}

/** Vault's AWS secrets engine, mounted and configured with the broker's access key. */
export class VaultAwsEngine extends Construct {
  /** The mount path, as Vault reports it; roles depend on it through this attribute. */
  public readonly mountPath: string;

  constructor(scope: Construct, id: string, config: VaultAwsEngineConfig) {
    super(scope, id);
    const engine = new AwsSecretBackend(this, "engine", {
      path: config.mount,
      description: "STS credentials for the AWS accounts managed by vault-aws-multi-account",
      region: config.region,
      accessKey: config.accessKeyId,
      secretKey: config.secretAccessKey,
      ...(config.awsEndpoint !== undefined && { stsEndpoint: config.awsEndpoint, iamEndpoint: config.awsEndpoint }),
      usernameTemplate: config.usernameTemplate,
      maxLeaseTtlSeconds: config.maxLeaseTtlSeconds,
    });
    this.mountPath = engine.path;
  }
}
