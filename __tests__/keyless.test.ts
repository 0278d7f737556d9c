import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { explainStack } from "../cli/commands/explain";
import { SESSION_NAME_TEMPLATE } from "../lib/policy/trust-policy";
import { configOf, diff, resources, synth } from "./helpers";

const USER_ARN = "arn:aws:iam::111111111111:user/vault-account";
const ROLE_ARN = "arn:aws:iam::111111111111:role/vault-server";

/**
 * The shipped example, with the one change a keyless estate needs first: prod's ec2-admin had a
 * max TTL of 2h, past the 1h AWS allows a chained role session.
 */
function example(broker: Record<string, unknown> = {}): Record<string, any> {
  const config = parse(readFileSync(`${__dirname}/../accounts.yaml`, "utf8"));
  const prod = config.accounts.find((a: any) => a.name === "prod");
  prod.roles.find((r: any) => r.name === "ec2-admin").maxTtl = "1h";
  config.broker = { ...config.broker, ...broker };
  return config;
}

/** Every trust policy's `aws:PrincipalArn`, by "stack role". */
function trustedPrincipals(stacks: Record<string, any>): Record<string, unknown> {
  const found: Record<string, unknown> = {};
  for (const [name, stack] of Object.entries(stacks)) {
    for (const role of Object.values<any>(resources(stack, "aws_iam_role"))) {
      found[`${name} ${role.name}`] = JSON.parse(role.assume_role_policy).Statement[0].Condition.StringEquals["aws:PrincipalArn"];
    }
  }
  return found;
}

const awsStackNames = (stacks: Record<string, any>) => Object.keys(stacks).filter((name) => name.startsWith("aws-"));
const vaultStackNames = (stacks: Record<string, any>) => Object.keys(stacks).filter((name) => name.startsWith("vault"));

describe("a keyless estate (broker.identity: role)", () => {
  const { stacks, manifest } = synth(example({ identity: "role", roleName: "vault-server" }));
  const primary = stacks["aws-primary"];
  const [engine] = Object.values(resources(stacks.vault, "vault_aws_secret_backend")) as any[];

  test("creates no IAM user and no access key anywhere", () => {
    for (const stack of Object.values(stacks)) {
      expect(resources(stack, "aws_iam_user")).toEqual({});
      expect(resources(stack, "aws_iam_access_key")).toEqual({});
      expect(resources(stack, "aws_iam_group")).toEqual({});
    }
  });
  test("attaches the broker's policy to the role Vault runs as, by name, and looks the role up", () => {
    const [policy] = Object.values(resources(primary, "aws_iam_policy")) as any[];
    expect(policy.name).toBe("vault-server-assume-1");
    expect(JSON.parse(policy.policy).Statement[0].Resource).toHaveLength(7);
    const attachments = Object.values(resources(primary, "aws_iam_role_policy_attachment")).filter((a: any) => a.role === "vault-server");
    expect(attachments).toEqual([
      { "//": expect.anything(), role: "vault-server", policy_arn: expect.stringMatching(/^\$\{aws_iam_policy\.broker-role_assume-1_/) },
    ]);
    expect(Object.values(primary.data.aws_iam_role).map((r: any) => r.name)).toEqual(["vault-server"]);
  });
  test("every trust policy keys on the role's ARN, with the same aws:PrincipalArn condition", () => {
    const principals = trustedPrincipals(stacks);
    expect(Object.keys(principals)).toHaveLength(7);
    for (const principal of Object.values(principals)) expect(principal).toBe(ROLE_ARN);
  });
  test("configures the engine with no key, so that Vault uses its environment's credentials", () => {
    expect(engine).not.toHaveProperty("access_key");
    expect(engine).not.toHaveProperty("secret_key");
    expect(engine).toMatchObject({ path: "aws", region: "us-east-1" });
  });
  test("the vault stack reads nothing from the broker's stack, which outputs no key, but is still applied after it", () => {
    expect(stacks.vault.data?.terraform_remote_state).toBeUndefined();
    expect(Object.keys(primary.output).sort()).toEqual(["broker_role_arn", "role_arns"]);
    expect(primary.output.broker_role_arn.value).toBe(ROLE_ARN);
    expect(manifest.stacks.vault.dependencies).toEqual(["aws-primary"]);
  });
  test("the Vault roles and ACL policies are those of a user broker", () => {
    const asUser = synth(example()).stacks;
    for (const name of vaultStackNames(stacks).filter((n) => n !== "vault")) expect(stacks[name]).toEqual(asUser[name]);
    expect(resources(stacks.vault, "vault_policy")).toEqual(resources(asUser.vault, "vault_policy"));
  });
  test("explain shows the policy attached to the role by its name", () => {
    expect(explainStack("aws-primary", primary)).toContain(
      "## IAM role vault-server: managed policy attached\n\nthe arn of policy vault-server-assume-1\n",
    );
  });
});

/**
 * The README's procedure, "Switching an estate from user to role": each step's synth against the
 * previous one. Each step changes one thing, so that no apply can leave Vault using an identity
 * that AWS does not trust or that holds no policy.
 */
describe("switching an estate from user to role, step by step", () => {
  const step0 = synth(example()); // the TTLs lowered to 1h: the only prerequisite
  const step1 = synth(example({ roleName: "vault-server" }));
  const step2 = synth(example({ identity: "role", roleName: "vault-server", keepUser: true }));
  const step3 = synth(example({ identity: "role", roleName: "vault-server" }));

  test("step 1, the role prepared: adds its policy and attachment, and trusts it beside the user; Vault untouched", () => {
    const { removed, added, changedIn } = diff(step0.stacks, step1.stacks);
    expect(removed).toEqual([]);
    expect(added.map((key) => key.replace(/_[0-9A-F]{8}$/, ""))).toEqual([
      "aws-primary aws_iam_policy.broker-role_assume-1",
      "aws-primary aws_iam_role_policy_attachment.broker-role_assume-1-attachment",
    ]);
    // Each of the 7 roles' trust policy, in place (no replacement: only its document changes).
    expect(changedIn).toEqual([
      "aws-dev aws_iam_role.assume_role_policy",
      "aws-primary aws_iam_role.assume_role_policy",
      "aws-prod aws_iam_role.assume_role_policy",
      "aws-staging aws_iam_role.assume_role_policy",
    ]);
    for (const principal of Object.values(trustedPrincipals(step1.stacks))) expect(principal).toEqual([USER_ARN, ROLE_ARN]);
    for (const name of vaultStackNames(step0.stacks)) expect(step1.stacks[name]).toEqual(step0.stacks[name]);
  });

  test("step 2, Vault switched to the role: only the engine's config/root changes (the key Vault held is cleared, in place); AWS keeps every resource", () => {
    const { removed, added, changedIn } = diff(step1.stacks, step2.stacks);
    expect([removed, added]).toEqual([[], []]);
    expect(changedIn).toEqual(["vault vault_generic_endpoint.data_json"]);
    const root = (step: typeof step1) =>
      JSON.parse(Object.values<any>(resources(step.stacks.vault, "vault_generic_endpoint"))[0].data_json);
    const username_template = SESSION_NAME_TEMPLATE;
    expect([root(step1), root(step2)]).toEqual([
      { region: "us-east-1", username_template },
      { access_key: "", secret_key: "", region: "us-east-1", username_template },
    ]);
    for (const name of awsStackNames(step1.stacks)) {
      expect([step2.stacks[name].resource, step2.stacks[name].data]).toEqual([step1.stacks[name].resource, step1.stacks[name].data]);
    }
    // No key crosses stacks in either step.
    expect(step1.stacks.vault.data?.terraform_remote_state).toBeUndefined();
    expect(step2.stacks.vault.data?.terraform_remote_state).toBeUndefined();
    expect(step2.manifest.stacks.vault.dependencies).toEqual(["aws-primary"]);
    for (const name of vaultStackNames(step1.stacks).filter((n) => n !== "vault")) expect(step2.stacks[name]).toEqual(step1.stacks[name]);
  });

  test("step 2 undone (identity: user again) stops clearing the key and changes nothing else (vault-aws broker-key then gives Vault a new one)", () => {
    const { removed, added, changedIn } = diff(step2.stacks, step1.stacks);
    expect([removed, added, changedIn]).toEqual([[], [], ["vault vault_generic_endpoint.data_json"]]);
  });

  test("step 3, the user removed: deletes the user, its group, membership and policies, and trusts the role alone; Vault untouched", () => {
    const { removed, added, changedIn } = diff(step2.stacks, step3.stacks);
    expect(added).toEqual([]);
    expect(removed.map((key) => key.replace(/\.[^.]+$/, "")).sort()).toEqual([
      "aws-primary aws_iam_group",
      "aws-primary aws_iam_group_policy",
      "aws-primary aws_iam_group_policy_attachment",
      "aws-primary aws_iam_policy",
      "aws-primary aws_iam_user",
      "aws-primary aws_iam_user_group_membership",
    ]);
    expect(removed.find((key) => key.includes("aws_iam_policy."))).toMatch(/aws_iam_policy\.broker_assume-roles-1_/);
    expect(changedIn).toEqual([
      "aws-dev aws_iam_role.assume_role_policy",
      "aws-primary aws_iam_role.assume_role_policy",
      "aws-prod aws_iam_role.assume_role_policy",
      "aws-staging aws_iam_role.assume_role_policy",
    ]);
    for (const principal of Object.values(trustedPrincipals(step3.stacks))) expect(principal).toBe(ROLE_ARN);
    for (const name of vaultStackNames(step2.stacks)) expect(step3.stacks[name]).toEqual(step2.stacks[name]);
  });

  test("the end state is exactly a keyless estate's", () => {
    expect(step3.stacks).toEqual(synth(example({ identity: "role", roleName: "vault-server" })).stacks);
  });

  test("going straight from user to role would do all three at once, in stacks applied one after another", () => {
    const { removed, changedIn } = diff(step0.stacks, step3.stacks);
    expect(removed.some((key) => key.includes("aws_iam_user."))).toBe(true);
    expect(changedIn).toEqual(
      expect.arrayContaining(["aws-dev aws_iam_role.assume_role_policy", "vault vault_generic_endpoint.data_json"]),
    );
  });
});

describe("examples/keyless.yaml", () => {
  const read = (file: string) => parse(readFileSync(`${__dirname}/../${file}`, "utf8"));
  const prodEc2Admin = (config: any) => config.accounts.find((a: any) => a.name === "prod").roles.find((r: any) => r.name === "ec2-admin");

  test("is the shipped example with a keyless broker, and prod's 2h role brought under the 1h cap", () => {
    const shipped = read("accounts.yaml");
    const keyless = read("examples/keyless.yaml");
    expect(keyless.broker).toEqual({ account: "primary", identity: "role", roleName: "vault-server", attachmentSlots: 5 });
    const { maxSessionDuration: _session, maxTtl: _ttl, ...shippedRole } = prodEc2Admin(shipped);
    expect(prodEc2Admin(keyless)).toEqual(shippedRole);
    for (const config of [shipped, keyless]) {
      delete config.broker;
      Object.assign(prodEc2Admin(config), { maxSessionDuration: undefined, maxTtl: undefined });
    }
    expect(keyless).toEqual(shipped);
  });
  test("is valid", () => {
    expect(configOf(read("examples/keyless.yaml")).broker.identity).toBe("role");
  });
});
