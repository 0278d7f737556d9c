import { pipelineTrustPolicy, planIdentityPolicy, planRolePolicy, planRoleTrustPolicy } from "../lib/policy/pipeline";
import { pipelineApplyAcl, pipelinePlanAcl } from "../lib/policy/pipeline-vault";
import { baseConfig, resources, synth } from "./helpers";

const withPipeline = (pipeline: Record<string, unknown>) => ({
  ...baseConfig(),
  pipeline: { account: "primary", github: { repository: "acme/vault-config" }, ...pipeline },
});
const roles = (stack: any) => Object.values<any>(resources(stack, "aws_iam_role"));
const inline = (stack: any, roleName: string) => {
  const [role] = roles(stack).filter((r) => r.name === roleName);
  const [policy] = Object.values<any>(resources(stack, "aws_iam_role_policy")).filter((p) =>
    p.role.includes(Object.keys(resources(stack, "aws_iam_role")).find((id) => resources(stack, "aws_iam_role")[id] === role)!),
  );
  return { trust: JSON.parse(role.assume_role_policy), policy: JSON.parse(policy.policy) };
};

describe("the pipeline stack (hub account)", () => {
  const { stacks, manifest } = synth(withPipeline({}));
  const pipeline = stacks.pipeline;
  const provider = "${aws_iam_openid_connect_provider.oidc-provider.arn}";

  test("creates GitHub's OIDC provider with AWS's audience, in the hub account", () => {
    const oidc = Object.values<any>(resources(pipeline, "aws_iam_openid_connect_provider"));
    expect(oidc.map(({ "//": _meta, ...rest }) => rest)).toEqual([
      { url: "https://token.actions.githubusercontent.com", client_id_list: ["sts.amazonaws.com"] },
    ]);
    expect(pipeline.provider.aws[0].allowed_account_ids).toEqual(["111111111111"]);
  });
  test("the plan and apply identities carry exactly the pure functions' trust and permissions", () => {
    const source = { kind: "github", repository: "acme/vault-config", environment: "production", defaultBranch: "main" } as const;
    expect(inline(pipeline, "vault-aws-pipeline-plan")).toEqual({
      trust: pipelineTrustPolicy(provider, source, "plan"),
      policy: planIdentityPolicy({ partition: "aws" }),
    });
    expect(inline(pipeline, "vault-aws-pipeline-apply").trust).toEqual(pipelineTrustPolicy(provider, source, "apply"));
  });
  test("an existing provider is referenced, not created", () => {
    const arn = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com";
    const { stacks: existing } = synth(withPipeline({ oidcProviderArn: arn }));
    expect(resources(existing.pipeline, "aws_iam_openid_connect_provider")).toEqual({});
    expect(inline(existing.pipeline, "vault-aws-pipeline-plan").trust.Statement[0].Principal).toEqual({ Federated: arn });
  });
  test("without planRoles, no account stack changes: vault-aws-plan is an opt-in", () => {
    const without = synth(baseConfig()).stacks;
    for (const name of Object.keys(without).filter((n) => n.startsWith("aws-"))) expect(stacks[name]).toEqual(without[name]);
    expect(manifest.stacks["aws-dev"].dependencies).toEqual([]);
  });
  test("with planRoles, every account holds vault-aws-plan, trusting the plan identity, reading IAM only, after the pipeline stack", () => {
    const opted = synth(withPipeline({ planRoles: true }));
    for (const name of ["aws-primary", "aws-dev"]) {
      expect(inline(opted.stacks[name], "vault-aws-plan")).toEqual({
        trust: planRoleTrustPolicy("arn:aws:iam::111111111111:role/vault-aws-pipeline-plan"),
        policy: planRolePolicy(),
      });
      expect(opted.manifest.stacks[name].dependencies).toContain("pipeline");
    }
  });
});

describe("the vault-pipeline stack", () => {
  const { stacks } = synth(withPipeline({}));
  const vault = stacks["vault-pipeline"];
  test("two JWT roles under the configured mount: plan bound to pull requests, apply to the environment", () => {
    const byName = Object.fromEntries(Object.values<any>(resources(vault, "vault_jwt_auth_backend_role")).map((r) => [r.role_name, r]));
    expect(byName["vault-aws-plan"]).toMatchObject({
      backend: "jwt",
      bound_claims: { sub: "repo:acme/vault-config:pull_request,repo:acme/vault-config:ref:refs/heads/main" },
      bound_audiences: ["vault-aws"],
      token_no_default_policy: true,
    });
    expect(byName["vault-aws-plan"].bound_subject).toBeUndefined();
    expect(byName["vault-aws-apply"]).toMatchObject({
      backend: "jwt",
      bound_subject: "repo:acme/vault-config:environment:production",
      bound_audiences: ["vault-aws"],
    });
  });
  test("their policies are the plan (read) and apply (write) ACLs of the engine's mount", () => {
    const policies = Object.fromEntries(Object.values<any>(resources(vault, "vault_policy")).map((p) => [p.name, p.policy]));
    expect(policies).toEqual({ "pipeline.vault-aws-plan": pipelinePlanAcl("aws"), "pipeline.vault-aws-apply": pipelineApplyAcl("aws") });
  });
  test("the plan ACL grants no write capability on what the Vault stacks hold", () => {
    const blocks = pipelinePlanAcl("aws").split("\n\n");
    const writing = blocks.filter((b) => /"(create|update|delete)"/.test(b));
    expect(writing).toEqual(['path "auth/token/create" {\n  capabilities = ["update"]\n}']);
  });
  test("the apply ACL may write <mount>-* policies only, never its own (whose name has a '.')", () => {
    expect(pipelineApplyAcl("aws")).toContain('path "sys/policies/acl/aws-*" {');
    expect(pipelineApplyAcl("aws")).not.toMatch(/sys\/policies\/acl\/\*|pipeline\./);
  });
});
