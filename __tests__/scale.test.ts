import { generatedConfig } from "../lib/config/generated";
import { isVaultStack } from "../lib/names";
import { resources, synth } from "./helpers";

/** IAM quotas (account defaults) every synthesized object must fit; see the IAM quotas page. */
const QUOTA = {
  roleName: 64,
  userName: 64,
  policyName: 128,
  groupName: 128,
  managedPolicyChars: 6144,
  trustPolicyChars: 2048,
  roleInlineChars: 10_240,
  managedPerRole: 10,
  managedPerGroup: 10,
  groupsPerUser: 10,
};

const size = (json: string) => json.replace(/\s/g, "").length;
const values = (stack: any, type: string) => Object.values(resources(stack, type)) as any[];

describe("1,000 accounts × 2 roles", () => {
  const { stacks, manifest } = synth(generatedConfig(1000, 2));
  const broker = stacks["aws-primary"];

  test("synthesize to 1,000 account stacks, the vault stack and 16 vault-roles-NN stacks", () => {
    const names = Object.keys(manifest.stacks);
    expect(names.filter((n) => n.startsWith("aws-"))).toHaveLength(1000);
    expect(names.filter((n) => n.startsWith("vault")).sort()).toEqual([
      "vault",
      ...Array.from({ length: 16 }, (_, i) => `vault-roles-${String(i).padStart(2, "0")}`),
    ]);
  });

  test("every role fits IAM's name, trust policy and attachment quotas", () => {
    for (const [name, stack] of Object.entries(stacks)) {
      if (isVaultStack(name)) continue;
      for (const role of values(stack, "aws_iam_role")) {
        expect(role.name.length).toBeLessThanOrEqual(QUOTA.roleName);
        expect(size(role.assume_role_policy)).toBeLessThanOrEqual(QUOTA.trustPolicyChars);
      }
      const perRole = new Map<string, number>();
      for (const attachment of values(stack, "aws_iam_role_policy_attachment")) {
        perRole.set(attachment.role, (perRole.get(attachment.role) ?? 0) + 1);
      }
      for (const count of perRole.values()) expect(count).toBeLessThanOrEqual(QUOTA.managedPerRole);
    }
  });

  test("the broker's policies each fit 6,144 characters and together list all 2,000 roles", () => {
    const policies = values(broker, "aws_iam_policy");
    for (const policy of policies) {
      expect(size(policy.policy)).toBeLessThanOrEqual(QUOTA.managedPolicyChars);
      expect(policy.name.length).toBeLessThanOrEqual(QUOTA.policyName);
    }
    const arns = policies.flatMap((p) => JSON.parse(p.policy).Statement[0].Resource);
    expect(new Set(arns).size).toBe(2000);
  });

  test("the broker holds every policy through groups, within the group and membership quotas", () => {
    expect(values(broker, "aws_iam_user_policy_attachment")).toHaveLength(0);
    const groups = values(broker, "aws_iam_group");
    expect(groups.length).toBeLessThanOrEqual(QUOTA.groupsPerUser);
    for (const group of groups) expect(group.name.length).toBeLessThanOrEqual(QUOTA.groupName);
    const attachments = values(broker, "aws_iam_group_policy_attachment");
    expect(attachments).toHaveLength(values(broker, "aws_iam_policy").length);
    const perGroup = new Map<string, number>();
    for (const attachment of attachments) {
      perGroup.set(attachment.group, (perGroup.get(attachment.group) ?? 0) + 1);
    }
    for (const count of perGroup.values()) expect(count).toBeLessThanOrEqual(QUOTA.managedPerGroup);
    const [membership] = values(broker, "aws_iam_user_group_membership");
    expect(membership.groups).toHaveLength(groups.length);
    const [user] = values(broker, "aws_iam_user");
    expect(user.name.length).toBeLessThanOrEqual(QUOTA.userName);
  });

  test("the vault stack holds no ACL policy; the roles stacks a role per account role, about 125 each", () => {
    expect(values(stacks.vault, "vault_policy")).toEqual([]);
    const perStack = Object.entries(stacks)
      .filter(([name]) => name.startsWith("vault-roles-"))
      .map(([, stack]) => values(stack, "vault_generic_endpoint").length);
    expect(perStack.reduce((a, b) => a + b, 0)).toBe(2000);
    // A hash spreads 1,000 accounts over 16 stacks; no stack is far from the 125 mean.
    expect(Math.min(...perStack)).toBeGreaterThanOrEqual(80);
    expect(Math.max(...perStack)).toBeLessThanOrEqual(170);
  });
});

describe("Vault ACL shards at 1,000 accounts × 2 roles", () => {
  const base = generatedConfig(1000, 2) as { accounts: any[] };
  const before = synth(base).stacks;
  /** Each Vault stack's ACL policies, name to text, for the stacks that hold any. */
  const policiesOf = (all: Record<string, any>) =>
    new Map(
      Object.keys(all)
        .filter(isVaultStack)
        .map((name) => [name, Object.fromEntries(values(all[name], "vault_policy").map((p) => [p.name, p.policy]))]),
    );
  /** The Vault stacks whose policies differ between two synths. */
  const changedPolicies = (a: Record<string, any>, b: Record<string, any>) => {
    const [pa, pb] = [policiesOf(a), policiesOf(b)];
    return [...new Set([...pa.keys(), ...pb.keys()])].filter((name) => JSON.stringify(pa.get(name)) !== JSON.stringify(pb.get(name)));
  };

  test("adding an account changes the policies of exactly one Vault stack, its roles stack, and the vault stack not at all", () => {
    const config = structuredClone(base);
    config.accounts.push({ ...config.accounts[1], name: "account-added", id: "999999999999" });
    const after = synth(config).stacks;
    const home = Object.keys(after).find((name) => JSON.stringify(after[name]).includes("aws/roles/account-added-readonly"))!;
    expect(home).toMatch(/^vault-roles-\d\d$/);
    expect(changedPolicies(before, after)).toEqual([home]);
    expect(after.vault).toEqual(before.vault);
  });

  test("removing an account changes the policies of exactly one Vault stack", () => {
    const config = structuredClone(base);
    const [removed] = config.accounts.splice(500, 1);
    const home = Object.keys(before).find((name) => JSON.stringify(before[name]).includes(`aws/roles/${removed.name}-readonly`))!;
    const after = synth(config).stacks;
    expect(changedPolicies(before, after)).toEqual([home]);
    expect(after.vault).toEqual(before.vault);
  });

  test("no policy grows with the accounts outside its stack: each is byte for byte what the accounts of its stack alone give", () => {
    const all = policiesOf(before);
    for (const stackName of ["vault-roles-00", "vault-roles-07"]) {
      const inStack = base.accounts.filter((a) => JSON.stringify(before[stackName]).includes(`"aws/roles/${a.name}-readonly"`));
      // The broker's account stays (a config needs it), without roles unless they live in this stack.
      const broker = inStack.some((a) => a.name === "primary") ? [] : [{ name: "primary", id: base.accounts[0].id }];
      const alone = synth({ ...base, accounts: [...broker, ...inStack] }).stacks;
      expect(inStack.length).toBeGreaterThan(30);
      expect(Object.keys(all.get(stackName)!).sort()).toEqual([`aws-developers.${stackName}`, `aws-sre.${stackName}`]);
      expect(policiesOf(alone).get(stackName)).toEqual(all.get(stackName));
    }
    // And the largest is a shard's worth: about 1/16 of the 2,000 paths, split between the two requesters.
    const largest = Math.max(...[...all.values()].flatMap((p) => Object.values<string>(p).map((text) => text.length)));
    expect(largest).toBeLessThan(20_000);
  });

  test("the identity groups name the same policies at 10 accounts as at 1,000", () => {
    const small = synth(generatedConfig(10, 2)).stacks;
    expect(small.vault.output.requesters.value).toEqual(before.vault.output.requesters.value);
  });
});
