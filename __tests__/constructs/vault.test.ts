import { SESSION_NAME_TEMPLATE } from "../../lib/policy/trust-policy";
import { Testing } from "cdktf";
import { RequesterPolicy } from "../../lib/constructs/requester-policy";
import { VaultAwsEngine } from "../../lib/constructs/vault-aws-engine";
import { VaultStsRole } from "../../lib/constructs/vault-sts-role";
import { stsRoleBody } from "../../lib/policy/vault-role";

describe("VaultAwsEngine", () => {
  const synthesized = JSON.parse(
    Testing.synthScope((scope) => {
      new VaultAwsEngine(scope, "engine", { mount: "aws", region: "eu-west-1", accessKey: { accessKeyId: "${var.id}", secretAccessKey: "${var.secret}" } });
    }),
  );
  const [engine] = Object.values(synthesized.resource.vault_aws_secret_backend) as any[];
  test("mounts the engine at the configured path and region", () => {
    expect(engine).toMatchObject({ path: "aws", region: "eu-west-1" });
  });
  test("passes the broker's key through, never a literal", () => {
    expect(engine).toMatchObject({ access_key: "${var.id}", secret_key: "${var.secret}" });
  });
  test("without a key, configures none, so that Vault uses its environment's credentials (a keyless broker)", () => {
    const keyless = JSON.parse(Testing.synthScope((scope) => void new VaultAwsEngine(scope, "engine", { mount: "aws", region: "eu-west-1" })));
    const [withoutKey] = Object.values(keyless.resource.vault_aws_secret_backend) as any[];
    expect(withoutKey).toEqual({
      path: "aws",
      region: "eu-west-1",
      description: engine.description,
      username_template: SESSION_NAME_TEMPLATE,
      audit_non_hmac_response_keys: ["access_key", "arn"],
      audit_non_hmac_request_keys: ["role_arn", "ttl"],
    });
  });
});

describe("VaultStsRole", () => {
  test("stsRoleBody is the Vault API body of an assumed_role role", () => {
    expect(stsRoleBody({ roleArns: ["arn:aws:iam::222222222222:role/r"], defaultTtlSeconds: 900, maxTtlSeconds: 3600 })).toEqual({
      credential_type: "assumed_role",
      role_arns: ["arn:aws:iam::222222222222:role/r"],
      default_sts_ttl: 900,
      max_sts_ttl: 3600,
      external_id: "",
    });
  });
  test("stsRoleBody sends the external id when there is one", () => {
    expect(stsRoleBody({ roleArns: [], defaultTtlSeconds: 900, maxTtlSeconds: 900, externalId: "x-1" }).external_id).toBe("x-1");
  });
  test("writes <mount>/roles/<name> in place, comparing only the fields it sets", () => {
    const synthesized = JSON.parse(
      Testing.synthScope((scope) => {
        new VaultStsRole(scope, "role", { mountPath: "aws", roleName: "dev-r", roleArns: ["arn:aws:iam::222222222222:role/r"], defaultTtlSeconds: 900, maxTtlSeconds: 3600 });
      }),
    );
    const [endpoint] = Object.values(synthesized.resource.vault_generic_endpoint) as any[];
    expect(endpoint.path).toBe("aws/roles/dev-r");
    expect(endpoint.ignore_absent_fields).toBe(true);
    expect(JSON.parse(endpoint.data_json)).toEqual({
      credential_type: "assumed_role",
      role_arns: ["arn:aws:iam::222222222222:role/r"],
      default_sts_ttl: 900,
      max_sts_ttl: 3600,
      external_id: "",
    });
  });
});

describe("VaultStsRole and external ids", () => {
  const synthRole = (externalId?: string) =>
    JSON.parse(
      Testing.synthScope((scope) => {
        new VaultStsRole(scope, "role", { mountPath: "aws", roleName: "r", roleArns: ["arn:aws:iam::222222222222:role/r"], defaultTtlSeconds: 900, maxTtlSeconds: 900, externalId });
      }),
    );
  const body = (externalId?: string) => JSON.parse((Object.values(synthRole(externalId).resource.vault_generic_endpoint)[0] as any).data_json);
  test("a role without an external id writes it empty, which clears one set before (in place)", () => {
    expect(body().external_id).toBe("");
    expect(body("x-1").external_id).toBe("x-1");
  });
  test("is one resource with no replacement trigger, so adding or removing an external id is an update", () => {
    for (const id of [undefined, "x-1"]) {
      const synthesized = synthRole(id);
      expect(Object.keys(synthesized.resource)).toEqual(["vault_generic_endpoint"]);
      expect((Object.values(synthesized.resource.vault_generic_endpoint)[0] as any).lifecycle).toBeUndefined();
    }
  });
});

describe("RequesterPolicy", () => {
  test("names the policy and writes its ACL text", () => {
    const synthesized = JSON.parse(
      Testing.synthScope((scope) => {
        new RequesterPolicy(scope, "p", { policyName: "aws-developers", requester: "developers", grants: [{ path: "aws/sts/dev-r", roleArns: ["arn:aws:iam::222222222222:role/r"] }] });
      }),
    );
    const [policy] = Object.values(synthesized.resource.vault_policy) as any[];
    expect(policy.name).toBe("aws-developers");
    expect(policy.policy).toContain('path "aws/sts/dev-r" {\n  capabilities = ["update"]\n');
  });
});
