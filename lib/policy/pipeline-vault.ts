import type { PipelineSource } from "./pipeline";

/** The audience the pipeline's ID tokens carry for Vault (GitHub: `jwtGithubAudience`; GitLab: `id_tokens.aud`). */
export const VAULT_AUDIENCE = "vault-aws";

/**
 * The pipeline's Vault ACL policy names. The `.` keeps them out of every `<mount>-*` pattern the
 * apply policy may write (a mount path has no `.`), so apply cannot rewrite its own policy.
 */
export const PIPELINE_VAULT_POLICY = { plan: "pipeline.vault-aws-plan", apply: "pipeline.vault-aws-apply" } as const;

/** One `path` block of a Vault ACL policy. */
interface PathRule {
  readonly path: string;
  readonly capabilities: readonly string[];
  readonly allowedParameters?: Readonly<Record<string, readonly string[]>>;
}

function hcl(rules: readonly PathRule[]): string {
  return rules
    .map((r) => {
      const lines = [`path ${JSON.stringify(r.path)} {`, `  capabilities = ${JSON.stringify(r.capabilities)}`];
      if (r.allowedParameters) {
        lines.push("  allowed_parameters = {");
        for (const [name, values] of Object.entries(r.allowedParameters))
          lines.push(`    ${JSON.stringify(name)} = ${JSON.stringify(values)}`);
        lines.push("  }");
      }
      return [...lines, "}"].join("\n");
    })
    .join("\n\n")
    .concat("\n");
}

/** What the Vault stacks touch, by path: the engine mount, its config and roles, ACL policies and identity groups. */
function rules(mount: string, write: boolean): PathRule[] {
  const read = ["read", "list"];
  const rw = ["create", "read", "update", "delete", "list"];
  return [
    // The provider logs in by creating a child token of the job's token.
    { path: "auth/token/create", capabilities: ["update"] },
    { path: "auth/token/lookup-self", capabilities: ["read"] },
    { path: "sys/mounts", capabilities: ["read"] },
    { path: `sys/mounts/${mount}`, capabilities: write ? rw : read },
    { path: `sys/mounts/${mount}/tune`, capabilities: write ? ["read", "update"] : ["read"] },
    { path: "sys/auth", capabilities: ["read"] },
    { path: `${mount}/config/root`, capabilities: write ? ["read", "update"] : ["read"] },
    ...(write ? [{ path: `${mount}/config/rotate-root`, capabilities: ["update"] }] : []),
    { path: `${mount}/roles`, capabilities: ["list"] },
    { path: `${mount}/roles/*`, capabilities: write ? rw : read },
    { path: `sys/policies/acl/${mount}-*`, capabilities: write ? rw : ["read"] },
    { path: "identity/group/name/*", capabilities: ["read"] },
    { path: "identity/group/id/*", capabilities: write ? ["read", "update", "delete"] : ["read"] },
    ...(write
      ? [
          {
            path: "identity/group",
            capabilities: ["create", "update"],
            allowedParameters: { name: [`${mount}-*`], policies: [`${mount}-*`], type: ["external"], metadata: [], "*": [] },
          },
        ]
      : []),
    { path: "identity/group-alias/id/*", capabilities: write ? ["read", "update", "delete"] : ["read"] },
    ...(write ? [{ path: "identity/group-alias", capabilities: ["create", "update"] }] : []),
  ];
}

/** The plan identity's ACL: reads what the Vault stacks hold, writes nothing (a child token aside). */
export function pipelinePlanAcl(mount: string): string {
  return hcl(rules(mount, false));
}

/**
 * The apply identity's ACL: writes what the Vault stacks hold: the engine (mount, config, roles,
 * rotation), ACL policies named `<mount>-*`, and external identity groups carrying those policies.
 * Never the pipeline's own policies or JWT roles, which a workstation bootstraps.
 */
export function pipelineApplyAcl(mount: string): string {
  return hcl(rules(mount, true));
}

/** A JWT auth role's body (`auth/<mount>/role/<name>`), in the names of Vault's API. */
export interface JwtRoleBody {
  readonly role_type: string;
  readonly bound_audiences: string[];
  readonly user_claim: string;
  /** @default - any subject the bound claims allow */
  readonly bound_subject?: string;
  /** Claims the token must carry; a list matches any of its values. @default - none */
  readonly bound_claims?: Readonly<Record<string, string | string[]>>;
  /** Seconds. */
  readonly token_ttl: number;
  /** Seconds. */
  readonly token_max_ttl: number;
  readonly token_no_default_policy: boolean;
  readonly token_policies: string[];
}

/** The JWT auth role bodies (`auth/<mount>/role/<name>`) of the plan and apply identities. */
export function pipelineJwtRoles(source: PipelineSource): { readonly plan: JwtRoleBody; readonly apply: JwtRoleBody } {
  const common = {
    role_type: "jwt",
    bound_audiences: [VAULT_AUDIENCE],
    user_claim: "sub",
    token_ttl: 3600,
    token_max_ttl: 3600,
    token_no_default_policy: true,
  };
  if (source.kind === "github") {
    return {
      plan: {
        ...common,
        bound_claims: {
          sub: [`repo:${source.repository}:pull_request`, `repo:${source.repository}:ref:refs/heads/${source.defaultBranch}`],
        },
        token_policies: [PIPELINE_VAULT_POLICY.plan],
      },
      apply: {
        ...common,
        bound_subject: `repo:${source.repository}:environment:${source.environment}`,
        token_policies: [PIPELINE_VAULT_POLICY.apply],
      },
    };
  }
  return {
    plan: { ...common, bound_claims: { project_path: source.project }, token_policies: [PIPELINE_VAULT_POLICY.plan] },
    apply: {
      ...common,
      bound_claims: { project_path: source.project, ref: source.ref, ref_type: "branch", ref_protected: "true" },
      token_policies: [PIPELINE_VAULT_POLICY.apply],
    },
  };
}
