import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { diff, resourcesOf, synth } from "./helpers";

/**
 * Adding an account must create its stack and change the other stacks only by additions and
 * in-place updates. These are the attributes that may change in place when it happens; every
 * other attribute of an existing resource must stay byte-for-byte the same. Each is an update,
 * not a replacement, for its provider:
 */
const IN_PLACE = new Set([
  "aws_iam_policy.policy", // a new default policy version (name is what would force a new policy)
  "aws_iam_user_group_membership.groups", // membership is updated, the user stays
  "vault_generic_endpoint.data_json", // a plain write to <mount>/roles/<name>; only path forces replacement
  "vault_policy.policy", // a plain write to sys/policies/acl/<name>
]);

const example = () => parse(readFileSync(`${__dirname}/../accounts.yaml`, "utf8"));
const newAccount = {
  name: "qa",
  id: "555555555555",
  roles: [
    { name: "ec2-admin", managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEC2FullAccess"], requesters: ["developers"] },
    { name: "readonly", managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], requesters: ["developers", "sre"] },
  ],
};

describe("adding an account", () => {
  const before = synth(example()).stacks;

  test("at the end of the list: a new stack, and only additions and in-place updates elsewhere", () => {
    const config = example();
    config.accounts.push(newAccount);
    const after = synth(config).stacks;
    expect(Object.keys(after).sort()).toEqual([...Object.keys(before), "aws-qa"].sort());
    const { removed, added, changed } = diff(before, after);
    expect(removed).toEqual([]);
    expect(changed.filter((c) => !IN_PLACE.has(c))).toEqual([]);
    expect(added.filter((key) => key.startsWith("aws-qa "))).toHaveLength(4); // its 2 roles and 2 attachments
    // Its two Vault roles, both in the one roles stack its name hashes to, and that stack's ACL
    // policy for developers, who had no role there before (sre's there grows in place).
    expect(
      added
        .filter((key) => key.startsWith("vault"))
        .map((key) => key.split(".")[0])
        .sort(),
    ).toEqual(["vault-roles-06 vault_generic_endpoint", "vault-roles-06 vault_generic_endpoint", "vault-roles-06 vault_policy"]);
    const changedStacks = Object.keys(after).filter((name) => JSON.stringify(after[name]) !== JSON.stringify(before[name]));
    // The vault stack is not among them: its identity groups name every roles stack's policy already.
    expect(changedStacks.sort()).toEqual(["aws-primary", "aws-qa", "vault-roles-06"]);
    // Existing account stacks are not touched at all.
    for (const name of ["aws-dev", "aws-prod", "aws-staging"]) expect(after[name]).toEqual(before[name]);
  });

  test("in the middle of the list: the same, because ids come from names, not positions", () => {
    const config = example();
    config.accounts.splice(2, 0, newAccount);
    const after = synth(config).stacks;
    const { removed, changed } = diff(before, after);
    expect(removed).toEqual([]);
    expect(changed.filter((c) => !IN_PLACE.has(c))).toEqual([]);
    for (const name of ["aws-dev", "aws-prod", "aws-staging"]) expect(after[name]).toEqual(before[name]);
  });

  test("and adding it to a role spanning accounts updates that Vault role in place", () => {
    const config = example();
    config.accounts.push(newAccount);
    config.vaultRoles[0].targets.push("qa/readonly");
    const { removed, changed } = diff(before, synth(config).stacks);
    expect(removed).toEqual([]);
    expect(changed).toEqual(expect.arrayContaining(["vault_generic_endpoint.data_json"]));
    expect(changed.filter((c) => !IN_PLACE.has(c))).toEqual([]);
  });
});

describe("adding an account to an estate kept with role sets and selectors (examples/org-scale.yaml)", () => {
  const orgScale = () => parse(readFileSync(`${__dirname}/../examples/org-scale.yaml`, "utf8"));
  const before = synth(orgScale()).stacks;

  test("one line: a new stack; selectors take it in place; nothing removed or replaced", () => {
    const config = orgScale();
    config.accounts.push({ name: "payments-qa", id: "210000000004", tags: ["nonprod", "payments"], roleSets: ["baseline", "nonprod"] });
    const after = synth(config).stacks;
    expect(Object.keys(after).filter((name) => !(name in before))).toEqual(["aws-payments-qa"]);
    const { removed, added, changed } = diff(before, after);
    expect(removed).toEqual([]);
    expect(changed.filter((c) => !IN_PLACE.has(c))).toEqual([]);
    // Its three roles (baseline's readonly, nonprod's developer and deployer) and their policies.
    expect(
      added
        .filter((key) => key.startsWith("aws-payments-qa "))
        .map((key) => key.split(" ")[1].split(".")[0])
        .sort(),
    ).toEqual([
      "aws_iam_role",
      "aws_iam_role",
      "aws_iam_role",
      "aws_iam_role_policy",
      "aws_iam_role_policy_attachment",
      "aws_iam_role_policy_attachment",
    ]);
    // The spanning roles its tag and name select now hand out its readonly role: an in-place write.
    const arn = "arn:aws:iam::210000000004:role/readonly";
    for (const name of ["readonly-nonprod", "payments-readonly"]) {
      const stack = Object.values(after).find((s: any) =>
        JSON.stringify(s.resource?.vault_generic_endpoint ?? {}).includes(`/roles/${name}"`),
      ) as any;
      const role = Object.values<any>(stack.resource.vault_generic_endpoint).find((r) => r.path.endsWith(`/roles/${name}`));
      expect(JSON.parse(role.data_json).role_arns).toContain(arn);
    }
    expect(changed).toEqual(expect.arrayContaining(["vault_generic_endpoint.data_json"]));
  });
});

describe("binding a requester to an identity-provider group", () => {
  const before = synth(example()).stacks;
  const withBinding = () => {
    const config = example();
    config.requesters.developers.groups = [{ authMount: "oidc", name: "eng-developers" }];
    return config;
  };

  test("adds that binding's group and alias, and changes no other resource", () => {
    const after = synth(withBinding()).stacks;
    const { removed, added, changed } = diff(before, after);
    expect(removed).toEqual([]);
    expect(changed).toEqual([]);
    expect(added.map((key) => key.split(".")[0]).sort()).toEqual(["vault vault_identity_group", "vault vault_identity_group_alias"]);
    for (const name of Object.keys(before).filter((n) => n !== "vault")) expect(after[name]).toEqual(before[name]);
  });
  test("a second binding adds only its own group and alias; removing it removes only those", () => {
    const one = synth(withBinding()).stacks;
    const config = withBinding();
    config.requesters.developers.groups.push({ authMount: "oidc", name: "eng-contractors" });
    const two = synth(config).stacks;
    const added = diff(one, two);
    expect([added.removed, added.changed]).toEqual([[], []]);
    expect(added.added.map((key) => key.split(".")[0]).sort()).toEqual(["vault vault_identity_group", "vault vault_identity_group_alias"]);
    const back = diff(two, one);
    expect([back.added, back.changed]).toEqual([[], []]);
    expect(back.removed.map((key) => key.split(".")[0]).sort()).toEqual(["vault vault_identity_group", "vault vault_identity_group_alias"]);
  });
});

describe("reordering accounts and roles", () => {
  test("keeps every resource id", () => {
    const config = example();
    config.accounts.reverse();
    for (const account of config.accounts) account.roles?.reverse();
    const before = resourcesOf(synth(example()).stacks);
    const after = resourcesOf(synth(config).stacks);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  });
});
