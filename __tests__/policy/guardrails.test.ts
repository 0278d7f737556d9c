import { runSimulation } from "@cloud-copilot/iam-simulate";
import { configWarnings } from "../../lib/config/warnings";
import { buildModel, QuotaError } from "../../lib/model";
import { BROKER_ACTIONS, BROKER_KEY_ACTIONS, POLICY_ACTIONS, ROLE_ACTIONS, SCP_MAX_SIZE } from "../../lib/policy/guardrails";
import { generatedConfig } from "../../lib/config/generated";
import { baseConfig, configOf, resources, synth } from "../helpers";

const withGuardrails = (edit: (c: any) => void = () => undefined) => {
  const config: any = baseConfig();
  config.guardrails = {};
  edit(config);
  return buildModel(configOf(config));
};

const FULL_ACCESS = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
const DEPLOYER = "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole";
const OTHER_ADMIN = "arn:aws:iam::222222222222:role/Admin";

/** What AWS decides when `principal`, an administrator of its account, calls `action` on `resource` under the guardrail. */
async function decide(model: ReturnType<typeof withGuardrails>, principal: string, action: string, resource: string): Promise<string> {
  const accountId = resource.split(":")[4];
  const response = await runSimulation(
    {
      identityPolicies: [{ name: "AdministratorAccess", policy: FULL_ACCESS }],
      serviceControlPolicies: [
        {
          orgIdentifier: "r-root",
          policies: [
            { name: "FullAWSAccess", policy: FULL_ACCESS },
            { name: "vault-aws-guardrails", policy: model.guardrails!.policy as any },
          ],
        },
      ],
      resourceControlPolicies: [],
      request: {
        action,
        principal,
        resource: { accountId, resource },
        contextVariables: { "aws:PrincipalArn": principal, "aws:PrincipalAccount": principal.split(":")[4] },
      },
    },
    {},
  );
  if (response.resultType === "error") throw new Error(`${action} on ${resource}: ${JSON.stringify(response.errors)}`);
  return response.overallResult;
}

/** The resource each protected broker action is checked on. */
function brokerResource(action: string): string {
  if (action === "iam:AttachGroupPolicy" || action === "iam:PutGroupPolicy" || action === "iam:AddUserToGroup")
    return "arn:aws:iam::111111111111:group/vault-account-assume-roles-0";
  if (action === "iam:RemoveUserFromGroup") return "arn:aws:iam::111111111111:group/vault-account-assume-roles-0";
  if (/Policy(Version)?$/.test(action) && !action.includes("User")) return "arn:aws:iam::111111111111:policy/vault-account-assume-roles-1";
  return "arn:aws:iam::111111111111:user/vault-account";
}

describe("the guardrail SCP, evaluated as AWS evaluates it", () => {
  const model = withGuardrails();

  test.each([...BROKER_KEY_ACTIONS, ...BROKER_ACTIONS, ...POLICY_ACTIONS])(
    "%s on the broker: the deployment role may, another admin may not",
    async (action) => {
      const resource = brokerResource(action);
      expect(await decide(model, DEPLOYER.replace("222222222222", "111111111111"), action, resource)).toBe("Allowed");
      expect(await decide(model, OTHER_ADMIN.replace("222222222222", "111111111111"), action, resource)).toBe("ExplicitlyDenied");
    },
  );

  test.each([...ROLE_ACTIONS])("%s on a managed role: the deployment role may, another admin may not", async (action) => {
    const role = "arn:aws:iam::222222222222:role/ec2-admin";
    expect(await decide(model, DEPLOYER, action, role)).toBe("Allowed");
    expect(await decide(model, OTHER_ADMIN, action, role)).toBe("ExplicitlyDenied");
  });

  test("the broker user may make its own next key (Vault's rotate-root), and still nothing else it is denied", async () => {
    const self = "arn:aws:iam::111111111111:user/vault-account";
    expect(await decide(model, self, "iam:CreateAccessKey", self)).toBe("Allowed");
    expect(await decide(model, self, "iam:DeleteAccessKey", self)).toBe("Allowed");
    expect(await decide(model, self, "iam:CreateLoginProfile", self)).toBe("ExplicitlyDenied");
    expect(await decide(model, self, "iam:PutGroupPolicy", "arn:aws:iam::111111111111:group/vault-account-assume-roles-0")).toBe(
      "ExplicitlyDenied",
    );
    expect(await decide(model, OTHER_ADMIN.replace("222222222222", "111111111111"), "iam:CreateAccessKey", self)).toBe("ExplicitlyDenied");
  });

  test("roles and users it does not manage are left alone", async () => {
    expect(await decide(model, OTHER_ADMIN, "iam:AttachRolePolicy", "arn:aws:iam::222222222222:role/some-app")).toBe("Allowed");
    expect(await decide(model, OTHER_ADMIN, "iam:CreateAccessKey", "arn:aws:iam::222222222222:user/alice")).toBe("Allowed");
  });

  test("with an IAM path, one pattern covers every managed role, and nothing outside the path", async () => {
    const pathed = withGuardrails((c) => (c.iamPath = "/vault-aws/"));
    expect(pathed.guardrails!.policy.Statement.find((st) => st.Sid === "ProtectVaultManagedRoles")!.Resource).toEqual([
      "arn:aws:iam::*:role/vault-aws/*",
    ]);
    expect(await decide(pathed, OTHER_ADMIN, "iam:UpdateAssumeRolePolicy", "arn:aws:iam::222222222222:role/vault-aws/ec2-admin")).toBe(
      "ExplicitlyDenied",
    );
    expect(await decide(pathed, OTHER_ADMIN, "iam:UpdateAssumeRolePolicy", "arn:aws:iam::222222222222:role/ec2-admin")).toBe("Allowed");
  });

  test("exempt principals the config adds may act too", async () => {
    const breakGlass = withGuardrails((c) => (c.guardrails.exemptPrincipalArns = ["arn:aws:iam::*:role/break-glass"]));
    expect(
      await decide(breakGlass, "arn:aws:iam::222222222222:role/break-glass", "iam:DeleteRole", "arn:aws:iam::222222222222:role/ec2-admin"),
    ).toBe("Allowed");
  });
});

describe("the bypasses the guardrail closes, each denied to another admin and allowed to the deployment role", () => {
  const model = withGuardrails();
  const BROKER_ADMIN = "arn:aws:iam::111111111111:role/Admin";
  const BROKER_DEPLOYER = "arn:aws:iam::111111111111:role/OrganizationAccountAccessRole";
  const BROKER_USER = "arn:aws:iam::111111111111:user/vault-account";

  test.each(["iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRole", "iam:PassRole"])(
    "%s on the deployment role: only the deployment role itself may",
    async (action) => {
      expect(await decide(model, OTHER_ADMIN, action, DEPLOYER)).toBe("ExplicitlyDenied");
      expect(await decide(model, DEPLOYER, action, DEPLOYER)).toBe("Allowed");
    },
  );

  test("an exemption the config adds does not reach the deployment role itself", async () => {
    const breakGlass = withGuardrails((c) => (c.guardrails.exemptPrincipalArns = ["arn:aws:iam::*:role/break-glass"]));
    expect(await decide(breakGlass, "arn:aws:iam::222222222222:role/break-glass", "iam:UpdateAssumeRolePolicy", DEPLOYER)).toBe(
      "ExplicitlyDenied",
    );
  });

  test("renaming the broker away, renaming another user to its name (IAM checks the new name too), or creating it anew", async () => {
    for (const action of ["iam:UpdateUser", "iam:CreateUser"]) {
      expect(await decide(model, BROKER_ADMIN, action, BROKER_USER)).toBe("ExplicitlyDenied");
      expect(await decide(model, BROKER_DEPLOYER, action, BROKER_USER)).toBe("Allowed");
    }
    expect(await decide(model, BROKER_ADMIN, "iam:UpdateUser", "arn:aws:iam::111111111111:user/alice")).toBe("Allowed");
  });

  test("the broker's groups (membership both ways) and its assume-role policies", async () => {
    const group = "arn:aws:iam::111111111111:group/vault-account-assume-roles-0";
    const policy = "arn:aws:iam::111111111111:policy/vault-account-assume-roles-1";
    for (const [action, resource] of [
      ["iam:AddUserToGroup", group],
      ["iam:RemoveUserFromGroup", group],
      ...POLICY_ACTIONS.map((a) => [a, policy]),
    ]) {
      expect(await decide(model, BROKER_ADMIN, action, resource)).toBe("ExplicitlyDenied");
      expect(await decide(model, BROKER_DEPLOYER, action, resource)).toBe("Allowed");
    }
  });

  test("the account's own policies a managed role attaches or is bounded by", async () => {
    const bounded = withGuardrails((c) => {
      c.accounts[1].roles[0].managedPolicyArns.push("arn:aws:iam::222222222222:policy/teams/ec2-extra");
      c.accounts[1].roles[0].permissionsBoundary = "vault-aws/Boundary";
    });
    for (const policy of ["arn:aws:iam::222222222222:policy/teams/ec2-extra", "arn:aws:iam::222222222222:policy/vault-aws/Boundary"]) {
      for (const action of POLICY_ACTIONS) {
        expect(await decide(bounded, OTHER_ADMIN, action, policy)).toBe("ExplicitlyDenied");
        expect(await decide(bounded, DEPLOYER, action, policy)).toBe("Allowed");
      }
    }
    expect(await decide(bounded, OTHER_ADMIN, "iam:CreatePolicyVersion", "arn:aws:iam::222222222222:policy/unrelated")).toBe("Allowed");
  });

  test("the broker's keys are one statement of their own, ProtectVaultBrokerKeys", () => {
    expect(model.guardrails!.policy.Statement.find((st) => st.Sid === "ProtectVaultBrokerKeys")).toEqual({
      Sid: "ProtectVaultBrokerKeys",
      Effect: "Deny",
      Action: ["iam:CreateAccessKey", "iam:UpdateAccessKey", "iam:DeleteAccessKey"],
      Resource: [BROKER_USER],
      // The broker user itself, for Vault's rotate-root (it makes its next key and deletes the old one).
      Condition: { ArnNotLike: { "aws:PrincipalArn": ["arn:aws:iam::*:role/OrganizationAccountAccessRole", BROKER_USER] } },
    });
  });
});

describe("exemptions are pinned to the accounts they belong to", () => {
  // dev deploys through its own role; a third account, through a profile.
  const model = withGuardrails((c) => {
    c.accounts[1].deployment = { roleName: "Deployer" };
    c.accounts.push({
      name: "ops",
      id: "333333333333",
      deployment: { profile: "ops-admin" },
      roles: [{ name: "ec2-admin", requesters: ["developers"] }],
    });
  });
  const role = "arn:aws:iam::222222222222:role/ec2-admin";

  test("an account's own deployment role is exempt there", async () => {
    expect(await decide(model, "arn:aws:iam::222222222222:role/Deployer", "iam:UpdateAssumeRolePolicy", role)).toBe("Allowed");
    expect(model.guardrails!.policy.Statement.filter((st) => st.Sid?.startsWith("PinDeploymentRoles")).map((st) => st.Condition)).toEqual([
      {
        ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/OrganizationAccountAccessRole" },
        StringEquals: { "aws:PrincipalAccount": ["222222222222", "333333333333"] },
      },
      { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/Deployer" }, StringNotEquals: { "aws:PrincipalAccount": ["222222222222"] } },
    ]);
  });

  test("a role named like another account's deployment role is no one", async () => {
    expect(
      await decide(model, "arn:aws:iam::111111111111:role/Deployer", "iam:UpdateUser", "arn:aws:iam::111111111111:user/vault-account"),
    ).toBe("ExplicitlyDenied");
  });

  test("where the default deployment role is not the deployment role, a role created with its name is no one", async () => {
    const impostor = "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole";
    expect(await decide(model, impostor, "iam:UpdateAssumeRolePolicy", role)).toBe("ExplicitlyDenied");
    expect(await decide(model, impostor, "iam:UpdateAssumeRolePolicy", "arn:aws:iam::222222222222:role/Deployer")).toBe("ExplicitlyDenied");
    expect(
      await decide(
        model,
        "arn:aws:iam::333333333333:role/OrganizationAccountAccessRole",
        "iam:DeleteRole",
        "arn:aws:iam::333333333333:role/ec2-admin",
      ),
    ).toBe("ExplicitlyDenied");
    // In the accounts that use it, it still is the deployment role.
    expect(
      await decide(
        model,
        "arn:aws:iam::111111111111:role/OrganizationAccountAccessRole",
        "iam:UpdateUser",
        "arn:aws:iam::111111111111:user/vault-account",
      ),
    ).toBe("Allowed");
  });

  test("an account naming the default deployment role as its own keeps it exempt", async () => {
    const same = withGuardrails((c) => (c.accounts[1].deployment = { roleName: "OrganizationAccountAccessRole" }));
    expect(await decide(same, DEPLOYER, "iam:UpdateAssumeRolePolicy", "arn:aws:iam::222222222222:role/ec2-admin")).toBe("Allowed");
    expect(same.guardrails!.policy.Statement.map((st) => st.Sid)).not.toContain("PinDeploymentRoles0");
  });

  test("the organization's deployment role is not exempted: SCPs do not apply in the management account", () => {
    const org = withGuardrails(
      (c) => (c.guardrails.organization = { managementAccountId: "999999999999", targets: ["r-ab12"], roleName: "OrgDeployer" }),
    );
    expect(JSON.stringify(org.guardrails!.policy)).not.toContain("OrgDeployer");
  });
});

describe("accounts the SCP would lock out are a warning at synth", () => {
  const withProfile = (exempt: string[]) => {
    const config: any = baseConfig();
    config.guardrails = { exemptPrincipalArns: exempt };
    config.accounts[1].deployment = { profile: "dev-admin" };
    return configWarnings(configOf(config));
  };
  test("an account deployed through a profile no exemption names", () => {
    expect(withProfile([])).toEqual([
      "accounts[1] (dev) deploys through profile \"dev-admin\", which the guardrail SCP does not exempt: every change to its managed roles, the kill switch included, would be denied; add the profile's principal to guardrails.exemptPrincipalArns (e.g. arn:aws:iam::222222222222:role/<the profile's role>) or give the account a deployment roleName",
    ]);
  });
  test("is quiet once an exemption names a principal of that account, or without guardrails", () => {
    expect(withProfile(["arn:aws:iam::222222222222:role/dev-admin"])).toEqual([]);
    const config: any = baseConfig();
    config.accounts[1].deployment = { profile: "dev-admin" };
    expect(configWarnings(configOf(config))).toEqual([]);
  });
});

const SIZE_WITH_OVERRIDES = 4455;

describe("the SCP size quota", () => {
  test("at 1,000 accounts the policy stays small: role names repeat across accounts", () => {
    const config: any = generatedConfig(1000, 2);
    config.guardrails = {};
    const model = buildModel(configOf(config));
    // Measured: 2,116 characters, whatever the number of accounts (see the SCP section of docs/security.md).
    expect(model.guardrails!.size).toBe(2116);
  });
  test("at 1,000 accounts, 20 with their own deployment role and 10 through a profile, it still fits", () => {
    const config: any = generatedConfig(1000, 2);
    config.guardrails = { exemptPrincipalArns: ["arn:aws:iam::*:role/break-glass"] };
    config.accounts.slice(1, 21).forEach((a: any) => (a.deployment = { roleName: "Deployer" }));
    config.accounts.slice(21, 31).forEach((a: any) => (a.deployment = { profile: "ops" }));
    const model = buildModel(configOf(config));
    // Measured: each account pinned costs its id (15 characters) once; each deployment role name, one statement.
    expect(model.guardrails!.size).toBe(SIZE_WITH_OVERRIDES);
    expect(model.guardrails!.size).toBeLessThan(SCP_MAX_SIZE);
  });
  test("too many distinct role names at iamPath / is refused with the numbers, and fits with a path", () => {
    const many: any = baseConfig();
    many.guardrails = {};
    many.accounts[1].roles = Array.from({ length: 200 }, (_, i) => ({
      name: `team-${String(i).padStart(3, "0")}-role`,
      managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
      requesters: ["developers"],
    }));
    expect(() => buildModel(configOf(many))).toThrow(
      new QuotaError(
        `the guardrail service control policy would be 9253 characters, over Organizations' ${SCP_MAX_SIZE}: at iamPath "/" it lists each of the 200 distinct role names; set iamPath (e.g. /vault-aws/) so one pattern covers every managed role`,
      ),
    );
    many.iamPath = "/vault-aws/";
    expect(buildModel(configOf(many)).guardrails!.size).toBeLessThan(SCP_MAX_SIZE);
  });
});

describe("iamPath", () => {
  const config = () => {
    const c: any = baseConfig();
    c.iamPath = "/vault-aws/";
    c.accounts[0].roles = [{ name: "readonly", managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], requesters: ["developers"] }];
    c.vaultRoles = [{ name: "spanning", targets: ["primary/readonly", "dev/ec2-admin"], requesters: ["developers"] }];
    return c;
  };
  test("every ARN follows the path: the role, the broker's policy, Vault's role_arns and the ACL's role_arn list", () => {
    const { stacks } = synth(config());
    const arn = "arn:aws:iam::222222222222:role/vault-aws/ec2-admin";
    const [role] = Object.values<any>(resources(stacks["aws-dev"], "aws_iam_role"));
    expect(role.path).toBe("/vault-aws/");
    const [brokerPolicy] = Object.values<any>(resources(stacks["aws-primary"], "aws_iam_policy"));
    expect(JSON.stringify(JSON.parse(brokerPolicy.policy))).toContain(arn);
    const vaultRoles = Object.values(stacks).flatMap((s: any) => Object.values<any>(s.resource?.vault_generic_endpoint ?? {}));
    expect(vaultRoles.flatMap((r) => JSON.parse(r.data_json).role_arns)).toContain(arn);
    const acls = Object.values(stacks).flatMap((s: any) => Object.values<any>(s.resource?.vault_policy ?? {}));
    expect(acls.filter((acl) => acl.policy.includes(JSON.stringify(arn))).map((acl) => acl.name)).toEqual([
      expect.stringMatching(/^aws-developers\.vault-roles-\d\d$/),
    ]);
    expect(JSON.stringify(stacks)).not.toContain("arn:aws:iam::222222222222:role/ec2-admin");
  });
  test("a path of the wrong form is refused, saying what is allowed", () => {
    expect(() => configOf({ ...config(), iamPath: "vault-aws" })).toThrow(
      'iamPath: "vault-aws" is not allowed: use an IAM path such as /vault-aws/: segments of letters, digits and _+=,.@- between slashes, starting and ending with /',
    );
  });
});

describe("the organization stack", () => {
  test("creates the policy in the management account and attaches it to each target", () => {
    const config: any = baseConfig();
    config.guardrails = { organization: { managementAccountId: "999999999999", targets: ["r-ab12", "ou-ab12-cd34ef56"] } };
    const { stacks } = synth(config);
    const org = stacks["aws-organization"];
    const [policy] = Object.values<any>(resources(org, "aws_organizations_policy"));
    expect(policy.type).toBe("SERVICE_CONTROL_POLICY");
    expect(JSON.parse(policy.content).Statement.map((s: any) => s.Sid)).toEqual([
      "ProtectVaultBrokerKeys",
      "ProtectVaultBroker",
      "ProtectVaultManagedRoles",
      "ProtectDeploymentRoles",
    ]);
    expect(
      Object.values<any>(resources(org, "aws_organizations_policy_attachment"))
        .map((a) => a.target_id)
        .sort(),
    ).toEqual(["ou-ab12-cd34ef56", "r-ab12"]);
    expect(org.provider.aws[0].assume_role[0].role_arn).toBe("arn:aws:iam::999999999999:role/OrganizationAccountAccessRole");
    expect(org.provider.aws[0].allowed_account_ids).toEqual(["999999999999"]);
  });
  test("is not made without guardrails.organization", () => {
    const config: any = baseConfig();
    config.guardrails = {};
    expect(Object.keys(synth(config).stacks)).not.toContain("aws-organization");
  });
});

describe("the guardrail SCP in keyless mode", () => {
  const keyless = withGuardrails((c) => (c.broker = { account: "primary", identity: "role", roleName: "vault-server" }));

  test("protects the role Vault runs as and its assume-role policies instead of a user", () => {
    expect(keyless.guardrails!.policy.Statement.map((s) => s.Sid)).toEqual([
      "ProtectVaultBrokerRole",
      "ProtectVaultManagedRoles",
      "ProtectDeploymentRoles",
    ]);
    expect(keyless.guardrails!.policy.Statement[0].Resource).toEqual([
      "arn:aws:iam::111111111111:role/vault-server",
      "arn:aws:iam::111111111111:policy/vault-server-assume-*",
    ]);
  });

  test.each(["iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRole", "iam:PassRole"])(
    "%s on the broker role: the deployment role may, another admin may not",
    async (action) => {
      const role = "arn:aws:iam::111111111111:role/vault-server";
      expect(await decide(keyless, "arn:aws:iam::111111111111:role/OrganizationAccountAccessRole", action, role)).toBe("Allowed");
      expect(await decide(keyless, "arn:aws:iam::111111111111:role/Admin", action, role)).toBe("ExplicitlyDenied");
    },
  );
});
