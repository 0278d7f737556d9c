import { loadPolicy } from "@cloud-copilot/iam-policy";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { dirname, join } from "node:path";
import {
  applyIdentityPolicy,
  pipelineSubjects,
  pipelineTrustPolicy,
  type PipelineSource,
  planIdentityPolicy,
  planRolePolicy,
  planRoleTrustPolicy,
} from "../../lib/policy/pipeline";

// The simulator's core engine, which its package does not export (see webIdentity).
const engine = (path: string) => require(join(dirname(require.resolve("@cloud-copilot/iam-simulate")), path));
const { DiscoveryContextKeyConstraints } = engine("context_keys/discoveryContextKeyConstraints.js");
const { authorize } = engine("core_engine/CoreSimulatorEngine.js");
const { AwsRequestImpl } = engine("request/request.js");
const { RequestContextImpl } = engine("requestContext.js");

const HUB = "111111111111";
const PROVIDER = `arn:aws:iam::${HUB}:oidc-provider/token.actions.githubusercontent.com`;
const GITHUB: PipelineSource = { kind: "github", repository: "acme/vault-config", environment: "production", defaultBranch: "main" };
const GITLAB: PipelineSource = { kind: "gitlab", project: "acme/platform/vault-config", host: "gitlab.com", ref: "main" };
const STATE = { partition: "aws", s3: { bucket: "acme-tf-state", keyPrefix: "vault-aws-multi-account" } };
const PLAN_IDENTITY = `arn:aws:iam::${HUB}:role/vault-aws-pipeline-plan`;
const APPLY_IDENTITY = `arn:aws:iam::${HUB}:role/vault-aws-pipeline-apply`;
/** A target role's trust that admits the whole hub account (as an organization's deployment role may). */
const TRUSTS_HUB = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${HUB}:root` }, Action: "sts:AssumeRole" }],
};

async function decide(input: {
  identity?: any;
  resourcePolicy?: any;
  principal: string;
  action: string;
  resource: string;
  context?: Record<string, string>;
}): Promise<string> {
  const response = await runSimulation(
    {
      identityPolicies: input.identity ? [{ name: "identity", policy: input.identity }] : [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: input.resourcePolicy,
      request: {
        action: input.action,
        principal: input.principal,
        resource: { accountId: input.resource.split(":")[4] || HUB, resource: input.resource },
        contextVariables: { "aws:PrincipalArn": input.principal, ...input.context },
      },
    },
    {},
  );
  if (response.resultType === "error") throw new Error(`${input.action} on ${input.resource}: ${JSON.stringify(response.errors)}`);
  return response.overallResult;
}

/**
 * Whether a token with these claims may become the identity whose trust policy this is, by the
 * simulator's core engine. Its checked runner drops claim keys (`<issuer>:sub`) for
 * AssumeRoleWithWebIdentity, which AWS's service reference does not list per provider, and its
 * unchecked runner fails on an unnamed resource policy (iam-simulate 0.1.173); so the request is
 * built here as that runner builds it, with the policy named.
 */
function webIdentity(trust: any, host: string, sub: string, aud = "sts.amazonaws.com"): string {
  const context = new RequestContextImpl({ [`${host}:sub`]: sub, [`${host}:aud`]: aud });
  const request = new AwsRequestImpl(PROVIDER, { resource: PLAN_IDENTITY, accountId: HUB }, "sts:AssumeRoleWithWebIdentity", context);
  const analysis = authorize({
    request,
    sessionPolicy: undefined,
    identityPolicies: [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: loadPolicy(trust, { name: "trust" }),
    permissionBoundaries: undefined,
    vpcEndpointPolicies: undefined,
    simulationParameters: { simulationMode: "Strict", discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) },
    serviceSettings: { s3: {} },
  });
  return analysis.result;
}

describe("pipelineTrustPolicy (GitHub), evaluated as AWS evaluates it", () => {
  const plan = pipelineTrustPolicy(PROVIDER, GITHUB, "plan");
  const apply = pipelineTrustPolicy(PROVIDER, GITHUB, "apply");
  const host = "token.actions.githubusercontent.com";

  test("is exact StringEquals on aud and sub, no pattern", () => {
    expect(plan.Statement[0].Condition).toEqual({
      StringEquals: {
        [`${host}:aud`]: "sts.amazonaws.com",
        [`${host}:sub`]: ["repo:acme/vault-config:pull_request", "repo:acme/vault-config:ref:refs/heads/main"],
      },
    });
    expect(apply.Statement[0].Condition).toEqual({
      StringEquals: { [`${host}:aud`]: "sts.amazonaws.com", [`${host}:sub`]: "repo:acme/vault-config:environment:production" },
    });
  });
  test("a pull request's token may assume the plan identity and not the apply identity", async () => {
    expect(webIdentity(plan, host, "repo:acme/vault-config:pull_request")).toBe("Allowed");
    expect(webIdentity(apply, host, "repo:acme/vault-config:pull_request")).toBe("ImplicitlyDenied");
  });
  test("the default branch (the nightly drift check) gets the plan identity, not the apply identity", async () => {
    expect(webIdentity(plan, host, "repo:acme/vault-config:ref:refs/heads/main")).toBe("Allowed");
    expect(webIdentity(plan, host, "repo:acme/vault-config:ref:refs/heads/feature")).toBe("ImplicitlyDenied");
    expect(webIdentity(apply, host, "repo:acme/vault-config:ref:refs/heads/main")).toBe("ImplicitlyDenied");
  });
  test("the apply identity works only from the protected environment", async () => {
    expect(webIdentity(apply, host, "repo:acme/vault-config:environment:production")).toBe("Allowed");
    expect(webIdentity(apply, host, "repo:acme/vault-config:ref:refs/heads/main")).toBe("ImplicitlyDenied");
    expect(webIdentity(apply, host, "repo:acme/vault-config:environment:staging")).toBe("ImplicitlyDenied");
    expect(webIdentity(apply, host, "repo:acme/other:environment:production")).toBe("ImplicitlyDenied");
  });
  test("another audience or repository gets neither", async () => {
    expect(webIdentity(plan, host, "repo:acme/vault-config:pull_request", "https://github.com/acme")).toBe("ImplicitlyDenied");
    expect(webIdentity(plan, host, "repo:evil/vault-config:pull_request")).toBe("ImplicitlyDenied");
  });
});

describe("pipelineTrustPolicy (GitLab)", () => {
  const host = "gitlab.com";
  test("apply: exactly the protected branch; plan: any branch of the project (a merge request's branch is in sub)", async () => {
    const plan = pipelineTrustPolicy(PROVIDER, GITLAB, "plan");
    const apply = pipelineTrustPolicy(PROVIDER, GITLAB, "apply");
    expect(pipelineSubjects(GITLAB)).toEqual({
      plan: { exact: false, sub: "project_path:acme/platform/vault-config:ref_type:branch:ref:*" },
      apply: "project_path:acme/platform/vault-config:ref_type:branch:ref:main",
    });
    expect(apply.Statement[0].Condition).toEqual({
      StringEquals: {
        "gitlab.com:aud": "sts.amazonaws.com",
        "gitlab.com:sub": "project_path:acme/platform/vault-config:ref_type:branch:ref:main",
      },
    });
    expect(webIdentity(apply, host, "project_path:acme/platform/vault-config:ref_type:branch:ref:main")).toBe("Allowed");
    expect(webIdentity(apply, host, "project_path:acme/platform/vault-config:ref_type:branch:ref:feature")).toBe("ImplicitlyDenied");
    expect(webIdentity(plan, host, "project_path:acme/platform/vault-config:ref_type:branch:ref:feature")).toBe("Allowed");
    expect(webIdentity(plan, host, "project_path:acme/platform/other:ref_type:branch:ref:feature")).toBe("ImplicitlyDenied");
  });
});

describe("the plan identity can write nothing", () => {
  const identity = planIdentityPolicy(STATE);
  const state = "arn:aws:s3:::acme-tf-state/vault-aws-multi-account/aws-dev.tfstate";
  test("reads the state, and may assume vault-aws-plan in any account", async () => {
    expect(await decide({ identity, principal: PLAN_IDENTITY, action: "s3:GetObject", resource: state })).toBe("Allowed");
    const planRole = "arn:aws:iam::222222222222:role/vault-aws-plan";
    expect(
      await decide({
        identity,
        resourcePolicy: planRoleTrustPolicy(PLAN_IDENTITY),
        principal: PLAN_IDENTITY,
        action: "sts:AssumeRole",
        resource: planRole,
      }),
    ).toBe("Allowed");
  });
  test.each(["s3:PutObject", "s3:DeleteObject"])("%s on the state bucket (its lock file included) is denied", async (action) => {
    expect(await decide({ identity, principal: PLAN_IDENTITY, action, resource: state })).toBe("ImplicitlyDenied");
    expect(await decide({ identity, principal: PLAN_IDENTITY, action, resource: `${state}.tflock` })).toBe("ImplicitlyDenied");
  });
  test("may not assume a deployment role, nor write IAM itself", async () => {
    // Even were the deployment role to trust the whole hub account.
    const deployment = "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole";
    expect(
      await decide({ identity, resourcePolicy: TRUSTS_HUB, principal: PLAN_IDENTITY, action: "sts:AssumeRole", resource: deployment }),
    ).toBe("ImplicitlyDenied");
    expect(await decide({ identity, principal: PLAN_IDENTITY, action: "iam:CreateRole", resource: `arn:aws:iam::${HUB}:role/x` })).toBe(
      "ImplicitlyDenied",
    );
  });
  test("vault-aws-plan trusts only the plan identity, and reads IAM but changes none of it", async () => {
    const trust = planRoleTrustPolicy(PLAN_IDENTITY);
    const role = "arn:aws:iam::222222222222:role/vault-aws-plan";
    const assume = (principal: string) =>
      decide({
        resourcePolicy: trust,
        identity: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }] },
        principal,
        action: "sts:AssumeRole",
        resource: role,
      });
    expect(await assume(PLAN_IDENTITY)).toBe("Allowed");
    expect(await assume(APPLY_IDENTITY)).toBe("ImplicitlyDenied");
    const session = "arn:aws:sts::222222222222:assumed-role/vault-aws-plan/pr";
    const permissions = planRolePolicy();
    for (const action of ["iam:GetRole", "iam:ListAttachedRolePolicies", "iam:ListRoleTags"]) {
      expect([
        action,
        await decide({ identity: permissions, principal: session, action, resource: "arn:aws:iam::222222222222:role/readonly" }),
      ]).toEqual([action, "Allowed"]);
    }
    for (const action of ["iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRole"]) {
      expect([
        action,
        await decide({ identity: permissions, principal: session, action, resource: "arn:aws:iam::222222222222:role/readonly" }),
      ]).toEqual([action, "ImplicitlyDenied"]);
    }
    const user = "arn:aws:iam::222222222222:user/vault-account";
    expect(await decide({ identity: permissions, principal: session, action: "iam:CreateAccessKey", resource: user })).toBe(
      "ImplicitlyDenied",
    );
  });
});

describe("the apply identity", () => {
  const identity = applyIdentityPolicy(STATE, ["OrganizationAccountAccessRole", "OrganizationAccountAccessRole"]);
  test("writes the state and its lock file, and assumes the deployment roles", async () => {
    expect(
      await decide({
        identity,
        principal: APPLY_IDENTITY,
        action: "s3:PutObject",
        resource: "arn:aws:s3:::acme-tf-state/vault-aws-multi-account/aws-dev.tfstate.tflock",
      }),
    ).toBe("Allowed");
    expect(
      await decide({
        identity,
        resourcePolicy: TRUSTS_HUB,
        principal: APPLY_IDENTITY,
        action: "sts:AssumeRole",
        resource: "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole",
      }),
    ).toBe("Allowed");
  });
  test("nothing outside the state prefix, and no other role", async () => {
    expect(
      await decide({ identity, principal: APPLY_IDENTITY, action: "s3:PutObject", resource: "arn:aws:s3:::acme-tf-state/other/x" }),
    ).toBe("ImplicitlyDenied");
    expect(
      await decide({
        identity,
        resourcePolicy: TRUSTS_HUB,
        principal: APPLY_IDENTITY,
        action: "sts:AssumeRole",
        resource: "arn:aws:iam::222222222222:role/Admin",
      }),
    ).toBe("ImplicitlyDenied");
  });
});
