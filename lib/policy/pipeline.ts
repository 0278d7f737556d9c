import type { PolicyDocument } from "./document";

/** The read-only role the plan identity assumes in every account (with `pipeline.planRoles`). */
export const PLAN_ROLE_NAME = "vault-aws-plan";
/** The hub account's role that pull-request plans run as. */
export const PIPELINE_PLAN_ROLE_NAME = "vault-aws-pipeline-plan";
/** The hub account's role that the protected environment or branch applies as. */
export const PIPELINE_APPLY_ROLE_NAME = "vault-aws-pipeline-apply";
/** The audience both CI systems' tokens carry for AWS. */
export const AWS_AUDIENCE = "sts.amazonaws.com";

/** Which CI system, and what names its tokens. */
export type PipelineSource =
  | { readonly kind: "github"; readonly repository: string; readonly environment: string; readonly defaultBranch: string }
  | { readonly kind: "gitlab"; readonly project: string; readonly host: string; readonly ref: string };

/** The issuer host of a source's ID tokens (the IAM OIDC provider's URL without `https://`). */
export function issuerHost(source: PipelineSource): string {
  return source.kind === "github" ? "token.actions.githubusercontent.com" : source.host;
}

/**
 * The `sub` claims each identity accepts. GitHub: a pull request's token says `repo:<r>:pull_request`,
 * a job of an environment `repo:<r>:environment:<e>`; both exact. GitLab names the branch in `sub`
 * (`project_path:<p>:ref_type:branch:ref:<b>`), and a merge request's branch varies, so the plan
 * identity is the one place a pattern is needed: any branch of this project (plan is read-only);
 * apply is exact, the protected branch.
 */
export function pipelineSubjects(source: PipelineSource): {
  readonly plan: { readonly exact: boolean; readonly sub: string | string[] };
  readonly apply: string;
} {
  if (source.kind === "github") {
    // The nightly drift check runs on the default branch with the plan identity too (read-only).
    const plan = [`repo:${source.repository}:pull_request`, `repo:${source.repository}:ref:refs/heads/${source.defaultBranch}`];
    return { plan: { exact: true, sub: plan }, apply: `repo:${source.repository}:environment:${source.environment}` };
  }
  return {
    plan: { exact: false, sub: `project_path:${source.project}:ref_type:branch:ref:*` },
    apply: `project_path:${source.project}:ref_type:branch:ref:${source.ref}`,
  };
}

/** A trust policy document: who may assume a role (web identity, or another AWS principal). */
export interface TrustDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly {
    readonly Sid: string;
    readonly Effect: "Allow";
    readonly Principal: { readonly Federated: string } | { readonly AWS: string };
    readonly Action: string;
    readonly Condition?: Record<string, Record<string, string | string[]>>;
  }[];
}

/** Trust of the plan or apply identity: the provider's tokens with exactly this audience and subject. */
export function pipelineTrustPolicy(providerArn: string, source: PipelineSource, identity: "plan" | "apply"): TrustDocument {
  const host = issuerHost(source);
  const subjects = pipelineSubjects(source);
  const sub =
    identity === "apply"
      ? { op: "StringEquals", value: subjects.apply }
      : { op: subjects.plan.exact ? "StringEquals" : "StringLike", value: subjects.plan.sub };
  const condition: Record<string, Record<string, string | string[]>> = { StringEquals: { [`${host}:aud`]: AWS_AUDIENCE } };
  condition[sub.op] = { ...condition[sub.op], [`${host}:sub`]: sub.value };
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: identity === "plan" ? "PullRequestPlans" : "ProtectedApplies",
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: condition,
      },
    ],
  };
}

/** Where the stacks' state is, as the identities need it. */
export interface StateAccess {
  readonly partition: string;
  /** The S3 bucket and key prefix, or none for local state (nothing to grant). */
  readonly s3?: { readonly bucket: string; readonly keyPrefix: string };
}

function stateStatements(state: StateAccess, write: boolean): PolicyDocument["Statement"] {
  if (!state.s3) return [];
  const bucket = `arn:${state.partition}:s3:::${state.s3.bucket}`;
  const objects = `${bucket}/${state.s3.keyPrefix}/*`;
  return [
    {
      Sid: "ListState",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: bucket,
      Condition: { StringLike: { "s3:prefix": `${state.s3.keyPrefix}/*` } },
    },
    {
      Sid: write ? "ReadWriteState" : "ReadState",
      Effect: "Allow",
      Action: write ? ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"] : "s3:GetObject",
      Resource: objects,
    },
  ];
}

/**
 * What the plan identity may do: read the state (no lock: plans run with `--no-lock`) and assume
 * `vault-aws-plan` in any account. Nothing else, so nothing it runs can write.
 */
export function planIdentityPolicy(state: StateAccess): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      ...stateStatements(state, false),
      {
        Sid: "AssumePlanRoles",
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: `arn:${state.partition}:iam::*:role/${PLAN_ROLE_NAME}`,
      },
    ],
  };
}

/** What the apply identity may do: read and write the state (its lock file too) and assume the deployment roles. */
export function applyIdentityPolicy(state: StateAccess, deploymentRoleNames: readonly string[]): PolicyDocument {
  const roles = [...new Set(deploymentRoleNames)].sort().map((name) => `arn:${state.partition}:iam::*:role/${name}`);
  return {
    Version: "2012-10-17",
    Statement: [
      ...stateStatements(state, true),
      { Sid: "AssumeDeploymentRoles", Effect: "Allow", Action: "sts:AssumeRole", Resource: roles },
    ],
  };
}

/** Trust of `vault-aws-plan` in each account: the hub's plan identity, by ARN. */
export function planRoleTrustPolicy(planIdentityArn: string): TrustDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "PipelinePlanIdentity",
        Effect: "Allow",
        Principal: { AWS: planIdentityArn },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:PrincipalArn": planIdentityArn } },
      },
    ],
  };
}

/** What `vault-aws-plan` may do in an account: read what the stacks manage (IAM), nothing else. */
export function planRolePolicy(): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadManagedIam",
        Effect: "Allow",
        Action: ["iam:Get*", "iam:List*", "organizations:Describe*", "organizations:List*"],
        Resource: "*",
      },
    ],
  };
}
