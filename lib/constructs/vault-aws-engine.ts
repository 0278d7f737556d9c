import { AwsSecretBackend } from "@cdktf/provider-vault/lib/aws-secret-backend";
import { GenericEndpoint } from "@cdktf/provider-vault/lib/generic-endpoint";
import { Construct } from "constructs";
import type { VaultModel } from "../model";
import { everyFieldTaken } from "../model-fields";

/**
 * Configuration of a `VaultAwsEngine`: a `VaultModel` without `address` (the Vault provider's),
 * `keepLegacyLayout` (which ACL policies the vault stack holds, not the engine) and `audit` (a
 * device of Vault's, `VaultAuditDevice`), so that a field added
 * to the model reaches the engine or fails to compile, and the generation of the broker's key.
 *
 * - `mount`: path the engine is mounted at, e.g. `aws`.
 * - `region`: region of the engine's STS and IAM calls.
 * - `usernameTemplate`: template of the session names Vault gives AssumeRole (the model's is
 *   `SESSION_NAME_TEMPLATE`: the login and the Vault role, unique per request).
 * - `maxLeaseTtlSeconds`: the mount's max lease TTL, in seconds. @default - Vault's system maximum
 */
export interface VaultAwsEngineConfig extends Omit<VaultModel, "address" | "keepLegacyLayout" | "audit"> {
  /**
   * The generation of the broker user's access key, which Vault holds and rotates. Terraform never
   * sees the key: `vault-aws broker-key` puts the first one into Vault (generation 1); from 2 on,
   * each raise makes Vault rotate it (`<mount>/config/rotate-root`: Vault creates a new key, switches
   * to it, and deletes the old one, so requesters see no gap).
   * @default - no key: Vault uses the AWS credentials of its own environment, those of the role it
   * runs as (`broker.identity: role`)
   */
  readonly keyGeneration?: number;
  /**
   * STS and IAM endpoint the engine calls instead of AWS's (the sandbox's emulator).
   * @default - AWS's endpoints for the region
   */
  readonly awsEndpoint?: string;
}

/**
 * The response keys Vault's audit log shows in clear for the engine: the access key id and the
 * session's ARN (which ends in the session name), never `secret_key`, `security_token` or `session_token`.
 */
export const AUDIT_CLEAR_RESPONSE_KEYS = ["access_key", "arn"] as const;

/** The request keys Vault's audit log shows in clear for the engine: the ARN and TTL asked for. */
export const AUDIT_CLEAR_REQUEST_KEYS = ["role_arn", "ttl"] as const;

/**
 * The fields of `<mount>/config/root` that Terraform writes: everything but the key. Vault keeps the
 * fields a write leaves out, so writing these never touches the key Vault holds. Keyless, the key
 * fields are written empty: Vault drops any key it held (the switch from user to role) and uses its
 * environment's credentials.
 */
export function engineRootConfig(config: VaultAwsEngineConfig): Record<string, string> {
  return {
    ...(config.keyGeneration === undefined && { access_key: "", secret_key: "" }),
    region: config.region,
    ...(config.awsEndpoint !== undefined && { sts_endpoint: config.awsEndpoint, iam_endpoint: config.awsEndpoint }),
    username_template: config.usernameTemplate,
  };
}

/**
 * Vault's AWS secrets engine: the mount, and its root configuration without any key. In key mode
 * the key lives only in Vault (see `keyGeneration`).
 */
export class VaultAwsEngine extends Construct {
  /** The mount path, as Vault reports it; roles depend on it through this attribute. */
  public readonly mountPath: string;

  constructor(scope: Construct, id: string, config: VaultAwsEngineConfig) {
    super(scope, id);
    const { mount, region, keyGeneration, awsEndpoint, usernameTemplate, maxLeaseTtlSeconds, ...rest } = config;
    everyFieldTaken(rest);
    const root = engineRootConfig(config);
    const engine = new AwsSecretBackend(this, "engine", {
      path: mount,
      description: "STS credentials for the AWS accounts managed by vault-aws-multi-account",
      region,
      ...(awsEndpoint !== undefined && { stsEndpoint: awsEndpoint, iamEndpoint: awsEndpoint }),
      usernameTemplate,
      maxLeaseTtlSeconds,
      // The access key id and session ARN in clear in Vault's audit log (never the secret, which stays
      // HMAC'd), so that what CloudTrail records in userIdentity leads to the request behind it.
      auditNonHmacResponseKeys: [...AUDIT_CLEAR_RESPONSE_KEYS],
      // Which ARN and TTL a requester asked for, in clear too: neither is a secret.
      auditNonHmacRequestKeys: [...AUDIT_CLEAR_REQUEST_KEYS],
      // The provider (5.6.0) reads access_key back from Vault and, on any change of a config/root
      // field, writes config/root again with the key it has in state and its own idea of the secret
      // (none, or one Vault has rotated away): that would break the engine, or bring back a dead key
      // (hashicorp/terraform-provider-vault#1684). So this resource only mounts: it never plans a
      // change of a config/root field, and the `root` endpoint below writes them without the key.
      lifecycle: { ignoreChanges: ["access_key", "secret_key", "region", "sts_endpoint", "iam_endpoint", "username_template"] },
    });
    new GenericEndpoint(this, "root", {
      path: `${engine.path}/config/root`,
      dataJson: JSON.stringify(root),
      // Vault's read of config/root answers fields this resource does not write (the key id among them).
      disableRead: true,
      // config/root has no delete; unmounting (the engine's destroy) removes it.
      disableDelete: true,
    });
    if (keyGeneration !== undefined && keyGeneration > 1) {
      // A write to rotate-root is the rotation; the generation in the body only makes a raise a
      // change Terraform applies (Vault ignores the field with a warning).
      new GenericEndpoint(this, "rotate-root", {
        path: `${engine.path}/config/rotate-root`,
        dataJson: JSON.stringify({ key_generation: keyGeneration }),
        disableRead: true,
        disableDelete: true,
      });
    }
    this.mountPath = engine.path;
  }
}
