import { buildModel, QuotaError } from "../lib/model";
import { generatedConfig } from "../lib/config/generated";
import { baseConfig, configOf, modelOf } from "./helpers";

describe("buildModel", () => {
  test("names each account role's Vault role <account>-<role> with its STS path", () => {
    expect(modelOf(baseConfig()).vaultRoles).toEqual([
      {
        name: "dev-ec2-admin",
        roleArns: ["arn:aws:iam::222222222222:role/ec2-admin"],
        defaultTtlSeconds: 3600,
        maxTtlSeconds: 3600,
        externalId: undefined,
        requesters: ["developers"],
        stsPath: "aws/sts/dev-ec2-admin",
        stackName: "vault-roles-10",
      },
    ]);
  });

  test("puts the broker in its account with the ARN the trust policies name", () => {
    expect(modelOf(baseConfig()).broker).toMatchObject({
      accountName: "primary",
      accountId: "111111111111",
      identity: "user",
      principalArns: ["arn:aws:iam::111111111111:user/vault-account"],
      user: {
        userName: "vault-account",
        userArn: "arn:aws:iam::111111111111:user/vault-account",
        keyGeneration: 1,
        keepPreviousKey: false,
      },
      role: undefined,
    });
  });

  test("the broker's policies list exactly the configured role ARNs", () => {
    const config = baseConfig();
    config.accounts[0].roles = [{ name: "readonly" }];
    expect(modelOf(config).broker.policies.flatMap((p) => p.Statement[0].Resource)).toEqual([
      "arn:aws:iam::111111111111:role/readonly",
      "arn:aws:iam::222222222222:role/ec2-admin",
    ]);
  });

  test("each role trusts the broker, with its account's external id", () => {
    const config = baseConfig();
    config.accounts[1].externalId = "dev-2f9c";
    expect(modelOf(config).accounts[1].roles[0].trustPolicy.Statement[0].Condition).toEqual({
      StringEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:user/vault-account", "sts:ExternalId": "dev-2f9c" },
    });
  });

  test("a role's MaxSessionDuration defaults to its max TTL, at least one hour", () => {
    const config = baseConfig();
    config.accounts[1].roles.push({ name: "long", maxTtl: "3h" }, { name: "short", maxTtl: "30m", defaultTtl: "15m" });
    expect(modelOf(config).accounts[1].roles.map((r) => r.maxSessionSeconds)).toEqual([3600, 10800, 3600]);
  });

  test("an account is reached through the default deployment role", () => {
    expect(modelOf(baseConfig()).accounts[1].deployment).toEqual({
      roleArn: "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole",
    });
  });

  test("the deployment role can be renamed for all accounts and per account", () => {
    const config = baseConfig();
    config.deployment = { roleName: "TerraformDeploy" };
    config.accounts[1].deployment = { roleName: "DevDeploy" };
    expect(modelOf(config).accounts.map((a) => a.deployment)).toEqual([
      { roleArn: "arn:aws:iam::111111111111:role/TerraformDeploy" },
      { roleArn: "arn:aws:iam::222222222222:role/DevDeploy" },
    ]);
  });

  test("an account can be reached through a named profile instead", () => {
    const config = baseConfig();
    config.accounts[0].deployment = { profile: "management" };
    expect(modelOf(config).accounts[0].deployment).toEqual({ profile: "management" });
  });

  test("an account's external id goes to its roles and their Vault roles", () => {
    const config = baseConfig();
    config.accounts[1].externalId = "dev-2f9c";
    const model = modelOf(config);
    expect(model.accounts[1].roles[0].externalId).toBe("dev-2f9c");
    expect(model.vaultRoles[0].externalId).toBe("dev-2f9c");
  });

  test("a vaultRoles entry spans the ARNs of its targets, with its own TTLs", () => {
    const config = baseConfig();
    config.accounts[0].roles = [{ name: "readonly", maxSessionDuration: "2h" }];
    config.accounts[1].roles[0].maxSessionDuration = "2h";
    config.vaultRoles = [{ name: "everywhere", targets: ["primary/readonly", "dev/ec2-admin"], maxTtl: "2h", requesters: ["auditors"] }];
    config.requesters.auditors = { description: "Auditors" };
    expect(modelOf(config).vaultRoles.at(-1)).toEqual({
      name: "everywhere",
      roleArns: ["arn:aws:iam::111111111111:role/readonly", "arn:aws:iam::222222222222:role/ec2-admin"],
      defaultTtlSeconds: 3600,
      maxTtlSeconds: 7200,
      externalId: undefined,
      requesters: ["auditors"],
      stsPath: "aws/sts/everywhere",
      stackName: "vault-roles-04",
    });
  });

  test("a requester listed twice on a role gets its path once", () => {
    const config = baseConfig();
    config.accounts[1].roles[0].requesters = ["developers", "developers"];
    expect(modelOf(config).requesterPolicies[0].grants.map((g) => g.path)).toEqual(["aws/sts/dev-ec2-admin"]);
  });

  test("each requester lists exactly the STS paths of its Vault roles", () => {
    const config = baseConfig();
    config.accounts[0].roles = [{ name: "readonly", requesters: ["sre", "developers"] }];
    config.vaultRoles = [{ name: "everywhere", targets: ["primary/readonly"], requesters: ["sre"] }];
    config.requesters.sre = { description: "On-call SREs", groups: [{ authMount: "oidc", name: "eng-sre" }] };
    const primary = ["arn:aws:iam::111111111111:role/readonly"];
    expect(modelOf(config).requesterPolicies).toEqual([
      {
        name: "aws-developers",
        policyNames: Array.from({ length: 16 }, (_, i) => `aws-developers.vault-roles-${String(i).padStart(2, "0")}`),
        requester: "developers",
        description: "Application developers",
        bindings: [],
        grants: [
          { path: "aws/sts/primary-readonly", roleArns: primary },
          { path: "aws/sts/dev-ec2-admin", roleArns: ["arn:aws:iam::222222222222:role/ec2-admin"] },
        ],
      },
      {
        name: "aws-sre",
        policyNames: Array.from({ length: 16 }, (_, i) => `aws-sre.vault-roles-${String(i).padStart(2, "0")}`),
        requester: "sre",
        description: "On-call SREs",
        bindings: [{ authMount: "oidc", externalGroup: "eng-sre", identityGroupName: "aws-sre--oidc--eng-sre" }],
        grants: [
          { path: "aws/sts/primary-readonly", roleArns: primary },
          { path: "aws/sts/everywhere", roleArns: primary },
        ],
      },
    ]);
  });

  test("each roles stack gets one policy per requester granted one of its roles, over those roles' STS paths only", () => {
    const config = baseConfig();
    config.vault = { roleStacks: 2 };
    config.requesters.sre = { description: "On-call SREs" };
    config.accounts[0].roles = [{ name: "readonly", requesters: ["sre", "developers"] }];
    config.vaultRoles = [{ name: "everywhere", targets: ["primary/readonly", "dev/ec2-admin"], requesters: ["sre"] }];
    const model = modelOf(config);
    const stackOf = (vaultRole: string) => model.vaultRoles.find((r) => r.name === vaultRole)!.stackName;
    // With two stacks, primary's and dev's roles land apart, and "everywhere" with dev's.
    expect([stackOf("primary-readonly"), stackOf("dev-ec2-admin"), stackOf("everywhere")]).toEqual([
      "vault-roles-01",
      "vault-roles-00",
      "vault-roles-00",
    ]);
    const [primary, dev] = [["arn:aws:iam::111111111111:role/readonly"], ["arn:aws:iam::222222222222:role/ec2-admin"]];
    expect(model.shardPolicies).toEqual([
      {
        name: "aws-developers.vault-roles-00",
        requester: "developers",
        stackName: "vault-roles-00",
        grants: [{ path: "aws/sts/dev-ec2-admin", roleArns: dev }],
      },
      {
        name: "aws-sre.vault-roles-00",
        requester: "sre",
        stackName: "vault-roles-00",
        grants: [{ path: "aws/sts/everywhere", roleArns: [...primary, ...dev] }],
      },
      {
        name: "aws-developers.vault-roles-01",
        requester: "developers",
        stackName: "vault-roles-01",
        grants: [{ path: "aws/sts/primary-readonly", roleArns: primary }],
      },
      {
        name: "aws-sre.vault-roles-01",
        requester: "sre",
        stackName: "vault-roles-01",
        grants: [{ path: "aws/sts/primary-readonly", roleArns: primary }],
      },
    ]);
    expect(model.requesterPolicies.map((p) => p.policyNames)).toEqual([
      ["aws-developers.vault-roles-00", "aws-developers.vault-roles-01"],
      ["aws-sre.vault-roles-00", "aws-sre.vault-roles-01"],
    ]);
  });

  test("with vault.keepLegacyLayout, the whole policy's name comes first in the names a requester's groups carry", () => {
    const config = baseConfig();
    config.vault = { roleStacks: 2, keepLegacyLayout: true };
    expect(modelOf(config).requesterPolicies.map((p) => p.policyNames)).toEqual([
      ["aws-developers", "aws-developers.vault-roles-00", "aws-developers.vault-roles-01"],
    ]);
  });

  test("policy names and STS paths follow the mount", () => {
    const config = baseConfig();
    config.vault = { mount: "aws-main" };
    const model = modelOf(config);
    expect(model.requesterPolicies[0].name).toBe("aws-main-developers");
    expect(model.shardPolicies[0].name).toBe(`aws-main-developers.${model.vaultRoles[0].stackName}`);
    expect(model.vaultRoles[0].stsPath).toBe("aws-main/sts/dev-ec2-admin");
  });

  test("ARNs follow the partition", () => {
    const config = baseConfig();
    config.partition = "aws-us-gov";
    config.vault = { region: "us-gov-west-1" };
    config.deployment = { region: "us-gov-west-1" };
    config.accounts[1].roles[0].managedPolicyArns = ["arn:aws-us-gov:iam::aws:policy/AmazonEC2FullAccess"];
    expect(modelOf(config).accounts[1].roles[0].roleArn).toBe("arn:aws-us-gov:iam::222222222222:role/ec2-admin");
  });

  test("a config whose ARNs cannot fit one broker's policy quota is refused with the numbers", () => {
    // 16,000 roles with 64-character names need 263 policies of 6,144 characters, past the 100 of 10 groups.
    const config = generatedConfig(2000, 8) as any;
    for (const account of config.accounts) {
      account.roles.forEach((role: any, i: number) => (role.name = `r${i}-${"x".repeat(61)}`));
    }
    expect(() => buildModel(configOf(config))).toThrow(QuotaError);
    expect(() => buildModel(configOf(config))).toThrow(
      new QuotaError(
        "the broker would need 263 managed policies to list every role ARN, but it can hold at most 100, all through groups (IAM allows 10 groups per user and 10 managed policies per group): split the accounts across several brokers and Vault mounts",
      ),
    );
  });

  describe("a keyless broker (broker.identity: role)", () => {
    const keyless = (broker: Record<string, unknown>) => {
      const config = baseConfig();
      config.broker = { account: "primary", ...broker };
      return config;
    };
    const userArn = "arn:aws:iam::111111111111:user/vault-account";
    const roleArn = "arn:aws:iam::111111111111:role/vault-server";

    test("has the role, no user, and the role's ARN is the one trust policies name", () => {
      const model = modelOf(keyless({ identity: "role", roleName: "vault-server" }));
      expect(model.broker).toEqual({
        accountName: "primary",
        accountId: "111111111111",
        identity: "role",
        principalArns: [roleArn],
        policies: model.broker.policies,
        user: undefined,
        role: { roleName: "vault-server", roleArn, attachmentSlots: 5 },
      });
      expect(model.accounts[1].roles[0].trustPolicy.Statement[0].Condition).toEqual({ StringEquals: { "aws:PrincipalArn": roleArn } });
    });
    test("gets the same policies as the user would", () => {
      expect(modelOf(keyless({ identity: "role", roleName: "vault-server" })).broker.policies).toEqual(
        modelOf(baseConfig()).broker.policies,
      );
    });
    test.each([
      ["a role prepared beside the user (step 1 of the switch)", { roleName: "vault-server" }, "user"],
      ["the role in use, the user kept (step 2)", { identity: "role", roleName: "vault-server", keepUser: true }, "role"],
    ])("%s: both exist and both are trusted, user first", (_, broker, identity) => {
      const model = modelOf(keyless(broker));
      expect(model.broker).toMatchObject({ identity, principalArns: [userArn, roleArn], user: { userArn }, role: { roleArn } });
      expect(model.accounts[1].roles[0].trustPolicy.Statement[0].Condition).toEqual({
        StringEquals: { "aws:PrincipalArn": [userArn, roleArn] },
      });
    });
    test("policies that do not fit the role's attachment slots are refused with the numbers and the fix", () => {
      // 400 accounts x 2 roles: 800 ARNs, 6 policies of at most 139.
      const config = { ...generatedConfig(400, 2), broker: { account: "primary", identity: "role", roleName: "vault-server" } };
      expect(() => buildModel(configOf(config))).toThrow(
        new QuotaError(
          "the broker would need 6 managed policies to list every role ARN, but broker.attachmentSlots lets the program attach only 5 to the role vault-server: raise broker.attachmentSlots to the role's quota (IAM's default is 10 managed policies per role, at most 20 with a raised quota) minus the policies the role already has, or split the accounts across several brokers and Vault mounts",
        ),
      );
      expect(modelOf({ ...config, broker: { ...config.broker, attachmentSlots: 6 } }).broker.policies).toHaveLength(6);
    });
    test("the slots bind a role being prepared beside a user too", () => {
      const config = { ...generatedConfig(400, 2), broker: { account: "primary", roleName: "vault-server" } };
      expect(() => buildModel(configOf(config))).toThrow(/^the broker would need 6 managed policies .* only 5 to the role vault-server: /);
    });
  });
});
