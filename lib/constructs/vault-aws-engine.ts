import { AwsSecretBackend } from "@cdktf/provider-vault/lib/aws-secret-backend";
import { Construct } from "constructs";
import type { VaultModel } from "../model";
import { everyFieldTaken } from "../model-fields";

/**
 * Configuration of a `VaultAwsEngine`: a `VaultModel` without `address` (the Vault provider's) and
 * `keepLegacyLayout` (which ACL policies the vault stack holds, not the engine), so that a field added
 * to the model reaches the engine or fails to compile, and the broker's key.
 *
 * - `mount`: path the engine is mounted at, e.g. `aws`.
 * - `region`: region of the engine's STS and IAM calls.
 * - `usernameTemplate`: template of the session names Vault gives AssumeRole. @default - Vault's default
 * - `maxLeaseTtlSeconds`: the mount's max lease TTL, in seconds. @default - Vault's system maximum
 */
export interface VaultAwsEngineConfig extends Omit<VaultModel, "address" | "keepLegacyLayout"> {
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
}

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
    const { mount, region, accessKey, awsEndpoint, usernameTemplate, maxLeaseTtlSeconds, ...rest } = config;
    everyFieldTaken(rest);
    const engine = new AwsSecretBackend(this, "engine", {
      path: mount,
      description: "STS credentials for the AWS accounts managed by vault-aws-multi-account",
      region,
      ...(accessKey !== undefined && { accessKey: accessKey.accessKeyId, secretKey: accessKey.secretAccessKey }),
      ...(awsEndpoint !== undefined && { stsEndpoint: awsEndpoint, iamEndpoint: awsEndpoint }),
      usernameTemplate,
      maxLeaseTtlSeconds,
    });
    this.mountPath = engine.path;
  }
}
