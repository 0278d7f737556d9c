import { runSimulation } from "@cloud-copilot/iam-simulate";
import { buildModel } from "../../lib/model";
import { SESSION_NAME_TEMPLATE } from "../../lib/policy/trust-policy";
import { baseConfig, configOf, resources, synth } from "../helpers";

const hardened = () => {
  const config = baseConfig();
  config.vault = { pinSessionNames: true, capMountLeaseTtl: true, maxTtl: "2h" };
  config.accounts[1].roles[0].maxSessionDuration = "2h";
  config.accounts[1].roles.push({
    name: "readonly",
    managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
    maxTtl: "30m",
    defaultTtl: "15m",
    requesters: ["developers"],
  });
  return config;
};

/** Whether the broker may assume the role with this session name, by an IAM policy evaluator. */
async function mayAssume(sessionName: string): Promise<string> {
  const model = buildModel(configOf(hardened()));
  const role = model.accounts[1].roles[0];
  const response = await runSimulation(
    {
      identityPolicies: [
        {
          name: "broker",
          policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: role.roleArn }] },
        },
      ],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: role.trustPolicy as any,
      request: {
        action: "sts:AssumeRole",
        principal: model.broker.user!.userArn,
        resource: { accountId: "222222222222", resource: role.roleArn },
        contextVariables: { "sts:RoleSessionName": sessionName, "aws:PrincipalArn": model.broker.user!.userArn },
      },
    },
    {},
  );
  if (response.resultType === "error") throw new Error(JSON.stringify(response.errors));
  return response.overallResult;
}

describe("vault.pinSessionNames", () => {
  test("is off by default: trust policies are as before, and the engine still names the person behind each session", () => {
    const model = buildModel(configOf(baseConfig()));
    expect(model.accounts[1].roles[0].trustPolicy.Statement[0].Condition).toEqual({
      StringEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:user/vault-account" },
    });
    expect(model.vault.usernameTemplate).toBe(SESSION_NAME_TEMPLATE);
  });
  test("pins the engine's username_template and requires its prefix in every trust policy", () => {
    const { stacks } = synth(hardened());
    const [engine] = Object.values<any>(resources(stacks.vault, "vault_aws_secret_backend"));
    expect(engine.username_template).toBe(SESSION_NAME_TEMPLATE);
    const [role] = Object.values<any>(resources(stacks["aws-dev"], "aws_iam_role"));
    expect(JSON.parse(role.assume_role_policy).Statement[0].Condition.StringLike).toEqual({ "sts:RoleSessionName": "vault-*" });
  });
  test("the broker may assume a role with a session name Vault makes, and with no other", async () => {
    expect(await mayAssume("vault-oidc-alice-dev-ec2-admin-1764160000-a1b2c3d4")).toBe("Allowed");
    expect(await mayAssume("vault-jwt-alice@example.com-dev-ec2-admin-1796610000-a1B2c3D4e5")).toBe("Allowed");
    expect(await mayAssume("alice-laptop")).not.toBe("Allowed");
  });
});

describe("the session name template", () => {
  test("keeps the person and the role within 42 characters, so the unix time and 10 random characters always fit in STS's 64", () => {
    expect(SESSION_NAME_TEMPLATE).toMatch(
      /^\{\{ printf "%s-%s-%s" \(printf "vault-%s-%s" \(\.DisplayName( \| replace "[^"]+" "_")+\) \(\.PolicyName\) \| truncate 42\) \(unix_time\) \(random 10\) \| truncate 64 \}\}$/,
    );
    expect(42 + 1 + 10 + 1 + 10).toBe(64);
  });
  test("derives the person from Vault's own identity fields only, never from a request parameter", () => {
    expect(SESSION_NAME_TEMPLATE.match(/\.[A-Z]\w+/g)).toEqual([".DisplayName", ".PolicyName"]);
  });
});

describe("vault.capMountLeaseTtl", () => {
  test("caps the mount's max lease TTL at the longest Vault role max TTL", () => {
    const { stacks } = synth(hardened());
    const [engine] = Object.values<any>(resources(stacks.vault, "vault_aws_secret_backend"));
    expect(engine.max_lease_ttl_seconds).toBe(7200);
  });
  test("is off by default", () => {
    const [engine] = Object.values<any>(resources(synth(baseConfig()).stacks.vault, "vault_aws_secret_backend"));
    expect(engine.max_lease_ttl_seconds).toBeUndefined();
  });
});
