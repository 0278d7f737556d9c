import type { AccountsConfig, RequesterConfig } from "./config/schema";
import {
  accountRootArn,
  accountStackName,
  iamRoleArn,
  iamUserArn,
  identityGroupName,
  requesterPolicyName,
  stsPath,
  targetKey,
  vaultRoleName,
  vaultRolesStackName,
} from "./names";
import { roleStackIndex } from "./vault-shards";
import { brokerAssumePolicies, IAM_QUOTAS, MAX_BROKER_POLICIES } from "./policy/broker-policies";
import { type PolicyDocument, policySize } from "./policy/document";
import { brokerTrustPolicy, SESSION_NAME_PREFIX, SESSION_NAME_TEMPLATE } from "./policy/trust-policy";
import { guardrailPolicy, SCP_MAX_SIZE } from "./policy/guardrails";
import type { StsGrant } from "./policy/vault-acl";
import { roleTtls, vaultRoleTtls } from "./ttl";

/**
 * The whole deployment as plain data, derived from a validated config by `buildModel`.
 * Constructs and stacks only turn this into resources.
 */
export interface Model {
  readonly partition: string;
  /** Where every stack keeps its Terraform state. */
  readonly state: StateModel;
  readonly vault: VaultModel;
  readonly broker: BrokerModel;
  readonly accounts: readonly AccountModel[];
  readonly vaultRoles: readonly VaultRoleModel[];
  readonly requesterPolicies: readonly RequesterPolicyModel[];
  /** IAM path of every managed role (`/` unless the config sets `iamPath`). */
  readonly iamPath: string;
  /**
   * The service control policy protecting the broker and the managed roles.
   * @default - no guardrails
   */
  readonly guardrails?: GuardrailsModel;
}

/** The guardrail SCP and, when the config says where, its attachment in the organization. */
export interface GuardrailsModel {
  readonly policy: PolicyDocument;
  /** The policy's size as Organizations counts it (5,120 at most). */
  readonly size: number;
  readonly organization?: { readonly managementAccountId: string; readonly targets: readonly string[]; readonly deploymentRoleArn: string };
}

/** Terraform state: local files (the default) or one S3 object per stack. */
export type StateModel =
  | {
      readonly kind: "local";
      /**
       * Where the state files are, relative to a stack's folder (`<outdir>/stacks/<stack>`).
       * @default "../../.." - beside the default `cdktf.out`
       */
      readonly fromStackDir?: string;
    }
  | {
      readonly kind: "s3";
      readonly bucket: string;
      readonly region: string;
      /** Each stack's state is `<keyPrefix>/<stack>.tfstate`. */
      readonly keyPrefix: string;
      /** @default - the credentials Terraform runs with */
      readonly roleArn?: string;
      /** @default - the bucket's default encryption key */
      readonly kmsKeyId?: string;
      /** @default - the credentials Terraform runs with */
      readonly profile?: string;
    };

/** The Vault side: where the engine is mounted and how Terraform reaches Vault. */
export interface VaultModel {
  readonly mount: string;
  readonly region: string;
  /** @default - the Vault provider reads `VAULT_ADDR` */
  readonly address?: string;
  /**
   * The engine's username_template: every session name starts `vault-`, names the login behind it
   * (the token's display name, e.g. jwt-alice) and the Vault role, and ends unique (see `SESSION_NAME_TEMPLATE`).
   */
  readonly usernameTemplate: string;
  /**
   * The audit device the vault stack manages (`vault.audit`).
   * @default - none: Vault logs to the devices the estate already has, if any
   */
  readonly audit?: VaultAuditModel;
  /**
   * The mount's max lease TTL (`vault.capMountLeaseTtl`): the longest max TTL of any Vault role.
   * @default - Vault's system maximum
   */
  readonly maxLeaseTtlSeconds?: number;
}

/** One Vault audit device, as `vault audit enable` takes it. */
export interface VaultAuditModel {
  readonly type: "file" | "syslog" | "socket";
  /** Its path in Vault. */
  readonly path: string;
  /** @default - no description */
  readonly description?: string;
  readonly local: boolean;
  readonly options: Readonly<Record<string, string>>;
}

/**
 * The broker: Vault's own AWS identity, an IAM user with an access key or the existing role Vault
 * runs as, and the identity policies it gets. During a switch from one to the other, both.
 */
export interface BrokerModel {
  readonly accountName: string;
  readonly accountId: string;
  /**
   * What Vault's engine authenticates with: `user`, the user's access key; `role`, no key, so that
   * Vault uses the credentials of its environment, those of the role it runs as.
   */
  readonly identity: "user" | "role";
  /**
   * The ARNs every trust policy admits with `aws:PrincipalArn`: the user's, the role's, or both
   * during a switch (user first).
   */
  readonly principalArns: readonly string[];
  /** The assume-role policies, packed to fit IAM's policy size quota. */
  readonly policies: readonly PolicyDocument[];
  /** @default - no user: `identity: role` without `keepUser` */
  readonly user?: BrokerUserModel;
  /** @default - no role: `identity: user` without `roleName` */
  readonly role?: BrokerRoleModel;
}

/** The broker's IAM user, which the program creates, and its access key. */
export interface BrokerUserModel {
  readonly userName: string;
  readonly userArn: string;
  /** Generation of the access key Vault uses. */
  readonly keyGeneration: number;
  /** Whether the previous generation's key still exists (during a rotation). */
  readonly keepPreviousKey: boolean;
}

/** The existing IAM role Vault runs as; the program attaches the broker's policies to it. */
export interface BrokerRoleModel {
  readonly roleName: string;
  /** The ARN trust policies key on: the role at path `/` of the broker's account. */
  readonly roleArn: string;
  /** How many of the role's managed-policy slots the broker's policies may fill. */
  readonly attachmentSlots: number;
}

/** How Terraform gets into an account. */
export type DeploymentModel = { readonly roleArn: string } | { readonly profile: string };

/** One AWS account and the roles Vault may assume in it. */
export interface AccountModel {
  readonly name: string;
  readonly id: string;
  readonly stackName: string;
  /** Labels from the config, for selectors and reports. */
  readonly tags: readonly string[];
  /**
   * The role sets it takes roles from (already expanded into `roles`), for reports.
   * @default - none
   */
  readonly roleSets?: readonly string[];
  readonly region: string;
  readonly deployment: DeploymentModel;
  readonly roles: readonly RoleModel[];
}

/** One assumable IAM role. */
export interface RoleModel {
  readonly name: string;
  readonly roleArn: string;
  /** Who may assume it: the broker, with the account's external ID if it has one. */
  readonly trustPolicy: PolicyDocument;
  readonly managedPolicyArns: readonly string[];
  /** @default - no inline policy */
  readonly inlinePolicy?: Readonly<Record<string, unknown>>;
  readonly maxSessionSeconds: number;
  /** @default - the role requires no external ID */
  readonly externalId?: string;
  /** Vault role minting credentials for this role alone. */
  readonly vaultRoleName: string;
  /**
   * Sessions issued before this RFC 3339 time are denied everything (the kill switch).
   * @default - no session is revoked
   */
  readonly revokeSessionsIssuedBefore?: string;
  /**
   * ARN of the role's permissions boundary.
   * @default - no boundary
   */
  readonly permissionsBoundaryArn?: string;
}

/** One Vault role of `credential_type = assumed_role`. */
export interface VaultRoleModel {
  readonly name: string;
  readonly roleArns: readonly string[];
  readonly defaultTtlSeconds: number;
  readonly maxTtlSeconds: number;
  /** @default - no external ID is sent */
  readonly externalId?: string;
  readonly requesters: readonly string[];
  /** `<mount>/sts/<name>` */
  readonly stsPath: string;
  /** The `vault-roles-NN` stack that holds it (see `roleStackIndex`). */
  readonly stackName: string;
}

/** One Vault ACL policy: a requester group and the STS paths it may write. */
export interface RequesterPolicyModel {
  readonly name: string;
  readonly requester: string;
  /** What the requester group is, from `requesters.<name>.description`. */
  readonly description: string;
  readonly grants: readonly StsGrant[];
  /** The identity-provider groups bound to it, each an external Vault identity group. */
  readonly bindings: readonly RequesterBindingModel[];
}

/** One external group bound to a requester, on one auth mount. */
export interface RequesterBindingModel {
  readonly authMount: string;
  readonly externalGroup: string;
  /** The Vault identity group that carries the requester's policy (see `identityGroupName`). */
  readonly identityGroupName: string;
}

/** A permissions boundary as an ARN: given as one, or as the path/name of the account's own policy. */
function boundaryArn(partition: string, accountId: string, boundary: string | undefined): string | undefined {
  if (boundary === undefined) return undefined;
  return boundary.startsWith("arn:") ? boundary : `arn:${partition}:iam::${accountId}:policy/${boundary}`;
}

/** Thrown when a valid config still cannot be deployed within AWS quotas. */
export class QuotaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QuotaError";
  }
}

/** Derives the deployment from a validated config. Pure: same config, same model. */
export function buildModel(config: AccountsConfig): Model {
  const { partition, vault, deployment } = config;
  const brokerAccount = config.accounts.find((a) => a.name === config.broker.account)!;
  const broker = brokerPrincipals(config, brokerAccount.id);

  const vaultRoles: VaultRoleModel[] = [];
  const roleByTarget = new Map<string, RoleModel>();
  const accounts = config.accounts.map((account): AccountModel => {
    const roles = account.roles.map((role): RoleModel => {
      const ttls = roleTtls(vault, role);
      const model: RoleModel = {
        name: role.name,
        roleArn: iamRoleArn(partition, account.id, role.name, config.iamPath),
        trustPolicy: brokerTrustPolicy({
          brokerAccountRootArn: accountRootArn(partition, brokerAccount.id),
          brokerPrincipalArns: broker.principalArns,
          externalId: account.externalId,
          sessionNamePrefix: vault.pinSessionNames ? SESSION_NAME_PREFIX : undefined,
        }),
        managedPolicyArns: role.managedPolicyArns,
        inlinePolicy: role.inlinePolicy,
        maxSessionSeconds: ttls.maxSessionSeconds,
        externalId: account.externalId,
        vaultRoleName: vaultRoleName(account.name, role.name),
        revokeSessionsIssuedBefore: role.revokeSessionsIssuedBefore,
        permissionsBoundaryArn: boundaryArn(partition, account.id, role.permissionsBoundary ?? config.permissionsBoundary),
      };
      roleByTarget.set(targetKey(account.name, role.name), model);
      vaultRoles.push({
        name: model.vaultRoleName,
        roleArns: [model.roleArn],
        defaultTtlSeconds: ttls.defaultTtlSeconds,
        maxTtlSeconds: ttls.maxTtlSeconds,
        externalId: account.externalId,
        requesters: role.requesters,
        stsPath: stsPath(vault.mount, model.vaultRoleName),
        stackName: vaultRolesStackName(roleStackIndex(account.name, vault.roleStacks)),
      });
      return model;
    });
    const override = account.deployment;
    return {
      name: account.name,
      id: account.id,
      stackName: accountStackName(account.name),
      tags: account.tags,
      roleSets: account.roleSets,
      region: deployment.region,
      deployment: override?.profile
        ? { profile: override.profile }
        : { roleArn: iamRoleArn(partition, account.id, override?.roleName ?? deployment.roleName) },
      roles,
    };
  });

  for (const vaultRole of config.vaultRoles) {
    const targets = vaultRole.targets.map((t) => roleByTarget.get(t)!);
    vaultRoles.push({
      name: vaultRole.name,
      roleArns: targets.map((t) => t.roleArn),
      ...vaultRoleTtls(vault, vaultRole),
      externalId: targets[0].externalId,
      requesters: vaultRole.requesters,
      stsPath: stsPath(vault.mount, vaultRole.name),
      stackName: vaultRolesStackName(roleStackIndex(vaultRole.name, vault.roleStacks)),
    });
  }

  const policies = brokerAssumePolicies(
    accounts.flatMap((a) => a.roles.map((r) => r.roleArn)),
    { organizationId: config.broker.organizationId },
  );
  if (broker.user && policies.length > MAX_BROKER_POLICIES) {
    throw new QuotaError(
      `the broker would need ${policies.length} managed policies to list every role ARN, but it can hold at most ${MAX_BROKER_POLICIES}, all through groups (IAM allows ${IAM_QUOTAS.groupsPerUser} groups per user and ${IAM_QUOTAS.managedPoliciesPerGroup} managed policies per group): split the accounts across several brokers and Vault mounts`,
    );
  }
  if (broker.role && policies.length > broker.role.attachmentSlots) {
    throw new QuotaError(brokerRoleQuotaMessage(policies.length, broker.role));
  }

  return {
    partition,
    state: config.state.s3 ? { kind: "s3", ...withoutDynamodbTable(config.state.s3) } : { kind: "local" },
    vault: {
      mount: vault.mount,
      region: vault.region,
      address: vault.address,
      usernameTemplate: SESSION_NAME_TEMPLATE,
      audit: vault.audit && { ...vault.audit, path: vault.audit.path ?? `vault-aws-${vault.audit.type}` },
      maxLeaseTtlSeconds: vault.capMountLeaseTtl ? Math.max(...vaultRoles.map((r) => r.maxTtlSeconds)) : undefined,
    },
    broker: { accountName: brokerAccount.name, accountId: brokerAccount.id, ...broker, policies },
    accounts,
    vaultRoles,
    requesterPolicies: requesterPolicies(vault.mount, vaultRoles, config.requesters ?? {}),
    iamPath: config.iamPath,
    guardrails: guardrails(config, brokerAccount.id, broker, accounts),
  };
}

/** The guardrail SCP of a config with `guardrails:`, or a `QuotaError` when it cannot fit. */
function guardrails(config: AccountsConfig, brokerAccountId: string, broker: { user?: BrokerUserModel; role?: BrokerRoleModel }, accounts: readonly AccountModel[]): GuardrailsModel | undefined {
  if (!config.guardrails) return undefined;
  const { partition } = config;
  // The deployment roles, in every account: Terraform must still manage what the policy protects.
  const deploymentRoles = [config.deployment.roleName, ...config.accounts.map((a) => a.deployment?.roleName).filter((n): n is string => n !== undefined)];
  const organization = config.guardrails.organization;
  const exempt = [...new Set([...deploymentRoles, ...(organization?.roleName ? [organization.roleName] : [])])].map((name) => `arn:${partition}:iam::*:role/${name}`);
  const policy = guardrailPolicy({
    partition,
    brokerAccountId,
    brokerUserName: broker.user?.userName,
    brokerRoleName: broker.role?.roleName,
    iamPath: config.iamPath,
    roleNames: accounts.flatMap((a) => a.roles.map((r) => r.name)),
    exemptPrincipalArns: [...exempt, ...config.guardrails.exemptPrincipalArns],
  });
  const size = policySize(policy);
  if (size > SCP_MAX_SIZE) {
    const names = new Set(accounts.flatMap((a) => a.roles.map((r) => r.name))).size;
    throw new QuotaError(
      `the guardrail service control policy would be ${size} characters, over Organizations' ${SCP_MAX_SIZE}: at iamPath "/" it lists each of the ${names} distinct role names; set iamPath (e.g. /vault-aws/) so one pattern covers every managed role`,
    );
  }
  return {
    policy,
    size,
    organization: organization && {
      managementAccountId: organization.managementAccountId,
      targets: organization.targets,
      deploymentRoleArn: iamRoleArn(partition, organization.managementAccountId, organization.roleName ?? config.deployment.roleName),
    },
  };
}

/** One ACL policy per requester group, sorted by name, granting the STS paths of its Vault roles. */
function requesterPolicies(mount: string, vaultRoles: readonly VaultRoleModel[], declared: Readonly<Record<string, RequesterConfig>>): RequesterPolicyModel[] {
  const grants = new Map<string, StsGrant[]>();
  for (const role of vaultRoles) {
    for (const requester of new Set(role.requesters)) {
      grants.set(requester, [...(grants.get(requester) ?? []), { path: role.stsPath, roleArns: role.roleArns }]);
    }
  }
  return [...grants.keys()].sort().map((requester) => {
    const name = requesterPolicyName(mount, requester);
    return {
      name,
      requester,
      description: declared[requester].description,
      grants: grants.get(requester)!,
      bindings: declared[requester].groups.map((g) => ({ authMount: g.authMount, externalGroup: g.name, identityGroupName: identityGroupName(name, g.authMount, g.name) })),
    };
  });
}

/** The S3 state settings without `dynamodbTable`, which validation only lets through as absent. */
function withoutDynamodbTable<T extends { dynamodbTable?: unknown }>(s3: T): Omit<T, "dynamodbTable"> {
  const { dynamodbTable: _absent, ...rest } = s3;
  return rest;
}

/**
 * The broker's principals: the user while Vault uses its key (and, with `keepUser`, until the
 * switch to the role is done); the role from when `roleName` is set, so that it is granted and
 * trusted before Vault starts using it.
 */
function brokerPrincipals(config: AccountsConfig, accountId: string): Pick<BrokerModel, "identity" | "principalArns" | "user" | "role"> {
  const { partition, broker } = config;
  const user: BrokerUserModel | undefined =
    broker.identity === "user" || broker.keepUser
      ? {
          userName: broker.userName,
          userArn: iamUserArn(partition, accountId, broker.userName),
          keyGeneration: broker.keyGeneration,
          keepPreviousKey: broker.keepPreviousKey && broker.keyGeneration > 1,
        }
      : undefined;
  const role: BrokerRoleModel | undefined =
    broker.roleName !== undefined ? { roleName: broker.roleName, roleArn: iamRoleArn(partition, accountId, broker.roleName), attachmentSlots: broker.attachmentSlots } : undefined;
  const principalArns = [user?.userArn, role?.roleArn].filter((arn): arn is string => arn !== undefined);
  return { identity: broker.identity, principalArns, user, role };
}

/** The message for broker policies that do not fit the role's attachment slots. */
export function brokerRoleQuotaMessage(needed: number, role: BrokerRoleModel): string {
  return `the broker would need ${needed} managed policies to list every role ARN, but broker.attachmentSlots lets the program attach only ${role.attachmentSlots} to the role ${role.roleName}: raise broker.attachmentSlots to the role's quota (IAM's default is ${IAM_QUOTAS.managedPoliciesPerRole} managed policies per role, at most ${IAM_QUOTAS.managedPoliciesPerRoleCeiling} with a raised quota) minus the policies the role already has, or split the accounts across several brokers and Vault mounts`;
}
