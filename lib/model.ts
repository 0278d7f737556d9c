import type { AccountsConfig, RequesterConfig } from "./config/schema";
import {
  accountRootArn,
  accountStackName,
  iamRoleArn,
  iamUserArn,
  identityGroupName,
  requesterPolicyName,
  shardPolicyName,
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
import type { StsRoleSettings } from "./policy/vault-role";
import { roleTtls, vaultRoleTtls } from "./ttl";
import {
  applyIdentityPolicy,
  issuerHost,
  PIPELINE_APPLY_ROLE_NAME,
  PIPELINE_PLAN_ROLE_NAME,
  type PipelineSource,
  planIdentityPolicy,
} from "./policy/pipeline";

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
  /** The ACL policies of the roles stacks: one per roles stack and requester group granted a role in it. */
  readonly shardPolicies: readonly ShardPolicyModel[];
  /** IAM path of every managed role (`/` unless the config sets `iamPath`). */
  readonly iamPath: string;
  /**
   * The service control policy protecting the broker and the managed roles.
   * @default - no guardrails
   */
  readonly guardrails?: GuardrailsModel;
  /**
   * The GitOps pipeline's identities (`pipeline:`).
   * @default - none: the pipeline's identities are the user's to make
   */
  readonly pipeline?: PipelineModel;
}

/** The pipeline's identities: in the hub account, and (opt-in) a read-only role in every account. */
export interface PipelineModel {
  readonly hub: { readonly name: string; readonly id: string };
  readonly source: PipelineSource;
  /** The OIDC provider's ARN: the configured one, or the one the pipeline stack creates. */
  readonly providerArn: string;
  /** Whether the pipeline stack creates the provider (no `oidcProviderArn` given). */
  readonly createProvider: boolean;
  /** Whether every account stack holds `vault-aws-plan`. */
  readonly planRoles: boolean;
  readonly planIdentityArn: string;
  readonly applyIdentityArn: string;
  readonly planPolicy: PolicyDocument;
  readonly applyPolicy: PolicyDocument;
  /** The Vault JWT auth mount the pipeline's roles live under. */
  readonly vaultAuthMount: string;
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
  /**
   * Keep what an estate deployed before the ACL shards relies on while it upgrades
   * (`vault.keepLegacyLayout`): each requester's whole policy `<mount>-<requester>` in the `vault`
   * stack, named by its identity groups too, and the `removed` blocks that release the Vault roles
   * the `vault` stack held before the roles stacks. See docs/upgrading.md.
   */
  readonly keepLegacyLayout: boolean;
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
  /** AWS or customer managed policies, each attached by its own resource (none when empty). */
  readonly managedPolicyArns: readonly string[];
  /**
   * One inline policy, stored on the role under the name `inline`.
   * @default - no inline policy
   */
  readonly inlinePolicy?: Readonly<Record<string, unknown>>;
  /** Longest session AssumeRole may ask for, in seconds (3600 to 43200). */
  readonly maxSessionSeconds: number;
  /** @default - the role requires no external ID */
  readonly externalId?: string;
  /** Vault role minting credentials for this role alone. */
  readonly vaultRoleName: string;
  /**
   * Sessions issued before this RFC 3339 time are denied everything (the kill switch), by an inline
   * policy named `AWSRevokeOlderSessions`, as the IAM console's "Revoke active sessions" does.
   * @default - no session is revoked
   */
  readonly revokeSessionsIssuedBefore?: string;
  /**
   * ARN of the role's permissions boundary.
   * @default - no boundary
   */
  readonly permissionsBoundaryArn?: string;
}

/** One Vault role of `credential_type = assumed_role`: what Vault stores (`StsRoleSettings`), and where. */
export interface VaultRoleModel extends StsRoleSettings {
  readonly name: string;
  readonly requesters: readonly string[];
  /** `<mount>/sts/<name>` */
  readonly stsPath: string;
  /** The `vault-roles-NN` stack that holds it (see `roleStackIndex`). */
  readonly stackName: string;
}

/**
 * A requester group: every STS path it may write, and the identity groups bound to it. Its ACL
 * lives in the roles stacks (`shardPolicies`); `name` is the whole policy of the layout before
 * them, kept only with `vault.keepLegacyLayout`, and the stem of the identity groups' names.
 */
export interface RequesterPolicyModel {
  readonly name: string;
  /**
   * The ACL policies its identity groups carry: the group's shard policy name for every roles stack
   * the count allows (`vault.roleStacks`), whether or not that stack holds one of its roles, so
   * that the list never changes when accounts come and go (Vault skips a named policy that does
   * not exist); with `keepLegacyLayout`, `name` first.
   */
  readonly policyNames: readonly string[];
  readonly requester: string;
  /** What the requester group is, from `requesters.<name>.description`. */
  readonly description: string;
  readonly grants: readonly StsGrant[];
  /** The identity-provider groups bound to it, each an external Vault identity group. */
  readonly bindings: readonly RequesterBindingModel[];
}

/** One roles stack's ACL policy for one requester group: the STS paths of the group's roles in that stack. */
export interface ShardPolicyModel {
  /** `<mount>-<requester>.<stack>` (see `shardPolicyName`). */
  readonly name: string;
  readonly requester: string;
  /** The `vault-roles-NN` stack that holds it, with the roles it grants. */
  readonly stackName: string;
  readonly grants: readonly StsGrant[];
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
      keepLegacyLayout: vault.keepLegacyLayout,
    },
    broker: { accountName: brokerAccount.name, accountId: brokerAccount.id, ...broker, policies },
    accounts,
    vaultRoles,
    requesterPolicies: requesterPolicies(vault, vaultRoles, config.requesters ?? {}),
    shardPolicies: shardPolicies(vault.mount, vaultRoles),
    iamPath: config.iamPath,
    guardrails: guardrails(config, brokerAccount.id, broker, accounts),
    pipeline: pipelineModel(config),
  };
}

/** The pipeline's identities, from `pipeline:`. */
function pipelineModel(config: AccountsConfig): PipelineModel | undefined {
  const p = config.pipeline;
  if (!p) return undefined;
  const hub = config.accounts.find((a) => a.name === p.account)!;
  const source: PipelineSource = p.github ? { kind: "github", ...p.github } : { kind: "gitlab", ...p.gitlab! };
  const state = {
    partition: config.partition,
    s3: config.state.s3 && { bucket: config.state.s3.bucket, keyPrefix: config.state.s3.keyPrefix },
  };
  const deploymentRoles = [
    config.deployment.roleName,
    ...config.accounts.map((a) => a.deployment?.roleName).filter((n): n is string => n !== undefined),
  ];
  return {
    hub: { name: hub.name, id: hub.id },
    source,
    providerArn: p.oidcProviderArn ?? `arn:${config.partition}:iam::${hub.id}:oidc-provider/${issuerHost(source)}`,
    createProvider: p.oidcProviderArn === undefined,
    planRoles: p.planRoles,
    planIdentityArn: iamRoleArn(config.partition, hub.id, PIPELINE_PLAN_ROLE_NAME),
    applyIdentityArn: iamRoleArn(config.partition, hub.id, PIPELINE_APPLY_ROLE_NAME),
    planPolicy: planIdentityPolicy(state),
    applyPolicy: applyIdentityPolicy(state, deploymentRoles),
    vaultAuthMount: p.vaultAuthMount,
  };
}

/** The guardrail SCP of a config with `guardrails:`, or a `QuotaError` when it cannot fit. */
function guardrails(
  config: AccountsConfig,
  brokerAccountId: string,
  broker: { user?: BrokerUserModel; role?: BrokerRoleModel },
  accounts: readonly AccountModel[],
): GuardrailsModel | undefined {
  if (!config.guardrails) return undefined;
  const { partition } = config;
  // The organization's own deployment role is not exempted: SCPs never apply in the management account.
  const organization = config.guardrails.organization;
  const policy = guardrailPolicy({
    partition,
    brokerAccountId,
    brokerUserName: broker.user?.userName,
    brokerRoleName: broker.role?.roleName,
    iamPath: config.iamPath,
    roleNames: accounts.flatMap((a) => a.roles.map((r) => r.name)),
    accountPolicyNames: accounts.flatMap((a) =>
      a.roles.flatMap((r) => [...r.managedPolicyArns, r.permissionsBoundaryArn ?? ""]).flatMap((arn) => ownPolicyName(arn, a.id)),
    ),
    defaultDeploymentRoleName: config.deployment.roleName,
    deploymentRoleOverrides: config.accounts.flatMap((a) =>
      a.deployment?.roleName ? [{ accountId: a.id, roleName: a.deployment.roleName }] : [],
    ),
    profileAccountIds: config.accounts.filter((a) => a.deployment?.profile).map((a) => a.id),
    exemptPrincipalArns: config.guardrails.exemptPrincipalArns,
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

/** `<path><name>` of a policy ARN of the account itself (customer managed), as a one-item list; else none. */
function ownPolicyName(arn: string, accountId: string): string[] {
  const match = /^arn:[\w-]+:iam::(\d{12}):policy\/(.+)$/.exec(arn);
  return match && match[1] === accountId ? [match[2]] : [];
}

/** Each requester group granted a Vault role, sorted by name, with the STS paths of its Vault roles. */
function requesterPolicies(
  vault: { readonly mount: string; readonly roleStacks: number; readonly keepLegacyLayout: boolean },
  vaultRoles: readonly VaultRoleModel[],
  declared: Readonly<Record<string, RequesterConfig>>,
): RequesterPolicyModel[] {
  const { mount } = vault;
  const grants = new Map<string, StsGrant[]>();
  for (const role of vaultRoles) {
    for (const requester of new Set(role.requesters)) {
      grants.set(requester, [...(grants.get(requester) ?? []), { path: role.stsPath, roleArns: role.roleArns }]);
    }
  }
  return [...grants.keys()].sort().map((requester) => {
    const name = requesterPolicyName(mount, requester);
    const shards = Array.from({ length: vault.roleStacks }, (_, i) => shardPolicyName(mount, requester, vaultRolesStackName(i)));
    return {
      name,
      policyNames: vault.keepLegacyLayout ? [name, ...shards] : shards,
      requester,
      description: declared[requester].description,
      grants: grants.get(requester)!,
      bindings: declared[requester].groups.map((g) => ({
        authMount: g.authMount,
        externalGroup: g.name,
        identityGroupName: identityGroupName(name, g.authMount, g.name),
      })),
    };
  });
}

/** One policy per roles stack and requester group granted a role in it, by stack, then requester. */
function shardPolicies(mount: string, vaultRoles: readonly VaultRoleModel[]): ShardPolicyModel[] {
  const grants = new Map<string, { stackName: string; requester: string; grants: StsGrant[] }>();
  for (const role of vaultRoles) {
    for (const requester of new Set(role.requesters)) {
      const key = `${role.stackName}\0${requester}`;
      if (!grants.has(key)) grants.set(key, { stackName: role.stackName, requester, grants: [] });
      grants.get(key)!.grants.push({ path: role.stsPath, roleArns: role.roleArns });
    }
  }
  return [...grants.values()]
    .sort((a, b) => a.stackName.localeCompare(b.stackName) || a.requester.localeCompare(b.requester))
    .map((p) => ({ name: shardPolicyName(mount, p.requester, p.stackName), ...p }));
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
    broker.roleName !== undefined
      ? { roleName: broker.roleName, roleArn: iamRoleArn(partition, accountId, broker.roleName), attachmentSlots: broker.attachmentSlots }
      : undefined;
  const principalArns = [user?.userArn, role?.roleArn].filter((arn): arn is string => arn !== undefined);
  return { identity: broker.identity, principalArns, user, role };
}

/** The message for broker policies that do not fit the role's attachment slots. */
export function brokerRoleQuotaMessage(needed: number, role: BrokerRoleModel): string {
  return `the broker would need ${needed} managed policies to list every role ARN, but broker.attachmentSlots lets the program attach only ${role.attachmentSlots} to the role ${role.roleName}: raise broker.attachmentSlots to the role's quota (IAM's default is ${IAM_QUOTAS.managedPoliciesPerRole} managed policies per role, at most ${IAM_QUOTAS.managedPoliciesPerRoleCeiling} with a raised quota) minus the policies the role already has, or split the accounts across several brokers and Vault mounts`;
}
