import { unrecordedGroups } from "../../run/adopt-groups";

/** A stack's `cdk.tf.json` with one binding: a group and its alias. */
function stackWith(key: string, groupName: string, aliasName: string): any {
  return {
    resource: {
      vault_identity_group: { [`${key}_group`]: { name: groupName, type: "external" } },
      vault_identity_group_alias: {
        [`${key}_alias`]: { name: aliasName, canonical_id: `\${vault_identity_group.${key}_group.id}`, mount_accessor: "x" },
      },
    },
  };
}

describe("unrecordedGroups: the groups a stack declares and its state does not hold", () => {
  const stack = stackWith("b", "team-developers--jwt--contractors", "contractors");

  test("a group and alias both in state: nothing to adopt", () => {
    expect(unrecordedGroups(stack, ["vault_identity_group.b_group", "vault_identity_group_alias.b_alias"])).toEqual([]);
  });
  test("a group missing from state is named with its alias when that is missing too", () => {
    expect(unrecordedGroups(stack, [])).toEqual([
      {
        groupAddress: "vault_identity_group.b_group",
        groupName: "team-developers--jwt--contractors",
        aliasAddress: "vault_identity_group_alias.b_alias",
        aliasName: "contractors",
      },
    ]);
  });
  test("a group in state whose alias is not: the alias alone is to adopt", () => {
    expect(unrecordedGroups(stack, ["vault_identity_group.b_group"])).toEqual([
      {
        groupAddress: "vault_identity_group.b_group",
        groupName: "team-developers--jwt--contractors",
        aliasAddress: "vault_identity_group_alias.b_alias",
        aliasName: "contractors",
      },
    ]);
  });
  test("a group missing whose alias is in state: the group alone", () => {
    expect(unrecordedGroups(stack, ["vault_identity_group_alias.b_alias"])).toEqual([
      { groupAddress: "vault_identity_group.b_group", groupName: "team-developers--jwt--contractors" },
    ]);
  });
  test("a stack with no identity groups (a roles stack): nothing", () => {
    expect(unrecordedGroups({ resource: { vault_policy: {} } }, [])).toEqual([]);
  });
});
