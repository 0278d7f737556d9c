import { SESSION_NAME_TEMPLATE } from "../../lib/policy/trust-policy";
import { Testing } from "cdktf";
import { RequesterPolicy } from "../../lib/constructs/requester-policy";
import { engineRootConfig, VaultAwsEngine, type VaultAwsEngineConfig } from "../../lib/constructs/vault-aws-engine";
import { VaultStsRole } from "../../lib/constructs/vault-sts-role";
import { stsRoleBody } from "../../lib/policy/vault-role";

describe("VaultAwsEngine", () => {
  const synthEngine = (config: Partial<VaultAwsEngineConfig> = {}) =>
    JSON.parse(
      Testing.synthScope(
        (scope) =>
          void new VaultAwsEngine(scope, "engine", {
            mount: "aws",
            region: "eu-west-1",
            usernameTemplate: SESSION_NAME_TEMPLATE,
            ...config,
          }),
      ),
    );
  const endpoints = (synthesized: any) => Object.values(synthesized.resource.vault_generic_endpoint ?? {}) as any[];
  const synthesized = synthEngine({ keyGeneration: 1 });
  const [engine] = Object.values(synthesized.resource.vault_aws_secret_backend) as any[];
  test("mounts the engine at the configured path and region", () => {
    expect(engine).toMatchObject({ path: "aws", region: "eu-west-1" });
  });
  test("never gives Terraform a key: no access_key or secret_key anywhere in the stack", () => {
    expect(engine.access_key).toBeUndefined();
    expect(engine.secret_key).toBeUndefined();
    expect(JSON.stringify(synthesized)).not.toMatch(/"(access_key|secret_key)":/);
  });
  test("every session names the login and the Vault role, and the audit log shows key ids and session ARNs in clear, never secrets", () => {
    expect(engine).toMatchObject({
      username_template: SESSION_NAME_TEMPLATE,
      audit_non_hmac_response_keys: ["access_key", "arn"],
      audit_non_hmac_request_keys: ["role_arn", "ttl"],
    });
  });
  test("the mount never plans a change of a config/root field (the provider would write a stale key back, #1684)", () => {
    expect(engine.lifecycle.ignore_changes).toEqual([
      "access_key",
      "secret_key",
      "region",
      "sts_endpoint",
      "iam_endpoint",
      "username_template",
    ]);
  });
  test("config/root's fields but the key are written by an endpoint that neither reads nor deletes", () => {
    const [root] = endpoints(synthesized);
    expect(root.path).toMatch(/^\$\{vault_aws_secret_backend\.engine_[0-9A-F]+\.path\}\/config\/root$/);
    expect(JSON.parse(root.data_json)).toEqual({ region: "eu-west-1", username_template: SESSION_NAME_TEMPLATE });
    expect(root).toMatchObject({ disable_read: true, disable_delete: true });
  });
  test("engineRootConfig adds the endpoints and the session-name template", () => {
    expect(
      engineRootConfig({
        mount: "aws",
        region: "us-east-1",
        keyGeneration: 1,
        awsEndpoint: "http://127.0.0.1:5000",
        usernameTemplate: "vault-{{x}}",
      }),
    ).toEqual({
      region: "us-east-1",
      sts_endpoint: "http://127.0.0.1:5000",
      iam_endpoint: "http://127.0.0.1:5000",
      username_template: "vault-{{x}}",
    });
  });
  test("at key generation 1, nothing rotates: the first key comes from vault-aws broker-key", () => {
    expect(endpoints(synthesized).map((e) => e.path.split("}")[1])).toEqual(["/config/root"]);
  });
  test("from generation 2, a write to rotate-root carries the generation, so each raise is one rotation by Vault", () => {
    const rotate = endpoints(synthEngine({ keyGeneration: 3 })).find((e) => e.path.endsWith("/config/rotate-root"));
    expect(JSON.parse(rotate.data_json)).toEqual({ key_generation: 3 });
    expect(rotate).toMatchObject({ disable_read: true, disable_delete: true });
  });
  test("keyless (no generation): no rotation, the same mount, and config/root clears any key Vault held", () => {
    const keyless = synthEngine();
    const [root] = endpoints(keyless);
    expect(endpoints(keyless)).toHaveLength(1);
    expect(JSON.parse(root.data_json)).toEqual({
      access_key: "",
      secret_key: "",
      region: "eu-west-1",
      username_template: SESSION_NAME_TEMPLATE,
    });
    expect(Object.values(keyless.resource.vault_aws_secret_backend)).toEqual([engine]);
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
        new VaultStsRole(scope, "role", {
          mountPath: "aws",
          roleName: "dev-r",
          roleArns: ["arn:aws:iam::222222222222:role/r"],
          defaultTtlSeconds: 900,
          maxTtlSeconds: 3600,
        });
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
        new VaultStsRole(scope, "role", {
          mountPath: "aws",
          roleName: "r",
          roleArns: ["arn:aws:iam::222222222222:role/r"],
          defaultTtlSeconds: 900,
          maxTtlSeconds: 900,
          externalId,
        });
      }),
    );
  const body = (externalId?: string) =>
    JSON.parse((Object.values(synthRole(externalId).resource.vault_generic_endpoint)[0] as any).data_json);
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
        new RequesterPolicy(scope, "p", {
          policyName: "aws-developers",
          requester: "developers",
          grants: [{ path: "aws/sts/dev-r", roleArns: ["arn:aws:iam::222222222222:role/r"] }],
        });
      }),
    );
    const [policy] = Object.values(synthesized.resource.vault_policy) as any[];
    expect(policy.name).toBe("aws-developers");
    expect(policy.policy).toContain('path "aws/sts/dev-r" {\n  capabilities = ["update"]\n');
  });
});
