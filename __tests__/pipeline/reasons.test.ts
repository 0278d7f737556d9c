import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { changeReasons } from "../../pipeline/reasons";
import { synth } from "../helpers";

describe("changeReasons: why a stack changes", () => {
  const config = parse(readFileSync(`${__dirname}/../../accounts.yaml`, "utf8"));
  const before = synth(config).stacks;
  const withRole = structuredClone(config);
  withRole.accounts
    .find((a: any) => a.name === "dev")
    .roles.push({ name: "newrole", managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], requesters: ["sre"] });
  const after = synth(withRole).stacks;
  const reasons = (stack: string) => changeReasons(JSON.stringify(before[stack]), JSON.stringify(after[stack]));

  test("the broker's stack changes because its policy gains the new role's ARN", () => {
    expect(reasons("aws-primary")).toEqual([
      expect.stringMatching(
        /^~ aws_iam_policy\.broker_assume-roles-1_\w+ \(vault-account-assume-roles-1\): its policy gains arn:aws:iam::222222222222:role\/newrole$/,
      ),
    ]);
  });
  test("the account's stack gains the role and its attachment", () => {
    expect(reasons("aws-dev")).toEqual([
      expect.stringMatching(/^\+ aws_iam_role\.role-newrole_\w+ \(newrole\)$/),
      expect.stringMatching(/^\+ aws_iam_role_policy_attachment\.role-newrole_/),
    ]);
  });
  test("a policy that loses an ARN says so; a text policy says it changes", () => {
    expect(changeReasons(JSON.stringify(after["aws-primary"]), JSON.stringify(before["aws-primary"]))[0]).toMatch(
      /: its policy loses arn:aws:iam::222222222222:role\/newrole$/,
    );
    // dev's roles are in vault-roles-10: the sre group's policy there gains the new role's path.
    expect(reasons("vault-roles-10")).toEqual([
      expect.stringMatching(/^\+ vault_generic_endpoint\.role-dev-newrole_\w+ \(aws\/roles\/dev-newrole\)$/),
      expect.stringMatching(/^~ vault_policy\.policy-sre_policy_\w+ \(aws-sre\.vault-roles-10\): its policy changes$/),
    ]);
  });
  test("a new stack, and a stack whose resources are the same", () => {
    expect(changeReasons(undefined, "{}")).toEqual(["new stack"]);
    expect(changeReasons('{"provider":{"aws":[{"region":"us-east-1"}]}}', '{"provider":{"aws":[{"region":"eu-west-1"}]}}')).toEqual([
      "no resource changes; its provider block differs",
    ]);
  });
  test("at most max resources, then how many more", () => {
    const many = (n: number) =>
      JSON.stringify({ resource: { aws_iam_role: Object.fromEntries(Array.from({ length: n }, (_, i) => [`r${i}`, { name: `r${i}` }])) } });
    expect(changeReasons(many(0), many(7), 5)).toEqual([
      "+ aws_iam_role.r0 (r0)",
      "+ aws_iam_role.r1 (r1)",
      "+ aws_iam_role.r2 (r2)",
      "+ aws_iam_role.r3 (r3)",
      "+ aws_iam_role.r4 (r4)",
      "… and 2 more resources",
    ]);
  });
});
