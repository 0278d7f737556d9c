import { runSimulation } from "@cloud-copilot/iam-simulate";
import { buildModel, QuotaError } from "../../lib/model";
import { BROKER_ACTIONS, ROLE_ACTIONS, SCP_MAX_SIZE } from "../../lib/policy/guardrails";
import { generatedConfig } from "../../scripts/fixtures";
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
      serviceControlPolicies: [{ orgIdentifier: "r-root", policies: [{ name: "FullAWSAccess", policy: FULL_ACCESS }, { name: "vault-aws-guardrails", policy: model.guardrails!.policy as any }] }],
      resourceControlPolicies: [],
      request: { action, principal, resource: { accountId, resource }, contextVariables: { "aws:PrincipalArn": principal } },
    },
    {},
  );
  if (response.resultType === "error") throw new Error(`${action} on ${resource}: ${JSON.stringify(response.errors)}`);
  return response.overallResult;
}

/** The resource each protected broker action is checked on. */
function brokerResource(action: string): string {
  if (action === "iam:AttachGroupPolicy" || action === "iam:PutGroupPolicy" || action === "iam:AddUserToGroup") return "arn:aws:iam::111111111111:group/vault-account-assume-roles-0";
  if (/Policy(Version)?$/.test(action) && !action.includes("User")) return "arn:aws:iam::111111111111:policy/vault-account-assume-roles-1";
  return "arn:aws:iam::111111111111:user/vault-account";
}

describe("the guardrail SCP, evaluated as AWS evaluates it", () => {
  const model = withGuardrails();

  test.each([...BROKER_ACTIONS])("%s on the broker: the deployment role may, another admin may not", async (action) => {
    const resource = brokerResource(action);
    expect(await decide(model, DEPLOYER.replace("222222222222", "111111111111"), action, resource)).toBe("Allowed");
    expect(await decide(model, OTHER_ADMIN.replace("222222222222", "111111111111"), action, resource)).toBe("ExplicitlyDenied");
  });

  test.each([...ROLE_ACTIONS])("%s on a managed role: the deployment role may, another admin may not", async (action) => {
    const role = "arn:aws:iam::222222222222:role/ec2-admin";
    expect(await decide(model, DEPLOYER, action, role)).toBe("Allowed");
    expect(await decide(model, OTHER_ADMIN, action, role)).toBe("ExplicitlyDenied");
  });

  test("the broker user may make its own next key (Vault's rotate-root), and still nothing else it is denied", async () => {
    const self = "arn:aws:iam::111111111111:user/vault-account";
    expect(await decide(model, self, "iam:CreateAccessKey", self)).toBe("Allowed");
    expect(await decide(model, self, "iam:CreateLoginProfile", self)).toBe("ExplicitlyDenied");
    expect(await decide(model, self, "iam:PutGroupPolicy", "arn:aws:iam::111111111111:group/vault-account-assume-roles-0")).toBe("ExplicitlyDenied");
    expect(await decide(model, OTHER_ADMIN.replace("222222222222", "111111111111"), "iam:CreateAccessKey", self)).toBe("ExplicitlyDenied");
  });

  test("roles and users it does not manage are left alone", async () => {
    expect(await decide(model, OTHER_ADMIN, "iam:AttachRolePolicy", "arn:aws:iam::222222222222:role/some-app")).toBe("Allowed");
    expect(await decide(model, OTHER_ADMIN, "iam:CreateAccessKey", "arn:aws:iam::222222222222:user/alice")).toBe("Allowed");
  });

  test("with an IAM path, one pattern covers every managed role, and nothing outside the path", async () => {
    const pathed = withGuardrails((c) => (c.iamPath = "/vault-aws/"));
    expect(pathed.guardrails!.policy.Statement[1].Resource).toEqual(["arn:aws:iam::*:role/vault-aws/*"]);
    expect(await decide(pathed, OTHER_ADMIN, "iam:UpdateAssumeRolePolicy", "arn:aws:iam::222222222222:role/vault-aws/ec2-admin")).toBe("ExplicitlyDenied");
    expect(await decide(pathed, OTHER_ADMIN, "iam:UpdateAssumeRolePolicy", "arn:aws:iam::222222222222:role/ec2-admin")).toBe("Allowed");
  });

  test("exempt principals the config adds may act too", async () => {
    const breakGlass = withGuardrails((c) => (c.guardrails.exemptPrincipalArns = ["arn:aws:iam::*:role/break-glass"]));
    expect(await decide(breakGlass, "arn:aws:iam::222222222222:role/break-glass", "iam:DeleteRole", "arn:aws:iam::222222222222:role/ec2-admin")).toBe("Allowed");
  });
});

describe("the SCP size quota", () => {
  test("at 1,000 accounts the policy stays small: role names repeat across accounts", () => {
    const config: any = generatedConfig(1000, 2);
    config.guardrails = {};
    const model = buildModel(configOf(config));
    expect(model.guardrails!.size).toBeLessThan(2000);
  });
  test("too many distinct role names at iamPath / is refused with the numbers, and fits with a path", () => {
    const many: any = baseConfig();
    many.guardrails = {};
    many.accounts[1].roles = Array.from({ length: 200 }, (_, i) => ({ name: `team-${String(i).padStart(3, "0")}-role`, managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], requesters: ["developers"] }));
    expect(() => buildModel(configOf(many))).toThrow(
      new QuotaError(`the guardrail service control policy would be 8708 characters, over Organizations' ${SCP_MAX_SIZE}: at iamPath "/" it lists each of the 200 distinct role names; set iamPath (e.g. /vault-aws/) so one pattern covers every managed role`),
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
    const [acl] = Object.values<any>(resources(stacks.vault, "vault_policy"));
    expect(acl.policy).toContain(JSON.stringify(arn));
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
    expect(JSON.parse(policy.content).Statement.map((s: any) => s.Sid)).toEqual(["ProtectVaultBroker", "ProtectVaultManagedRoles", "ProtectVaultBrokerKeys"]);
    expect(Object.values<any>(resources(org, "aws_organizations_policy_attachment")).map((a) => a.target_id).sort()).toEqual(["ou-ab12-cd34ef56", "r-ab12"]);
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
    expect(keyless.guardrails!.policy.Statement.map((s) => s.Sid)).toEqual(["ProtectVaultBrokerRole", "ProtectVaultManagedRoles"]);
    expect(keyless.guardrails!.policy.Statement[0].Resource).toEqual(["arn:aws:iam::111111111111:role/vault-server", "arn:aws:iam::111111111111:policy/vault-server-assume-*"]);
  });

  test.each(["iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRole"])("%s on the broker role: the deployment role may, another admin may not", async (action) => {
    const role = "arn:aws:iam::111111111111:role/vault-server";
    expect(await decide(keyless, "arn:aws:iam::111111111111:role/OrganizationAccountAccessRole", action, role)).toBe("Allowed");
    expect(await decide(keyless, "arn:aws:iam::111111111111:role/Admin", action, role)).toBe("ExplicitlyDenied");
  });
});
