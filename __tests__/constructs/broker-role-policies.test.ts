import { Testing } from "cdktf";
import { BrokerRolePolicies } from "../../lib/constructs/broker-role-policies";
import { assumePolicy } from "../../lib/policy/broker-policies";

const roleArn = "arn:aws:iam::111111111111:role/vault-server";
const policyFor = (n: number) => assumePolicy([`arn:aws:iam::${String(200_000_000_000 + n)}:role/r`]);

function synthRolePolicies(policyCount: number, roleName = "vault-server"): any {
  return JSON.parse(
    Testing.synthScope((scope) => {
      new BrokerRolePolicies(scope, "broker-role", {
        roleName,
        roleArn: `arn:aws:iam::111111111111:role/${roleName}`,
        policies: Array.from({ length: policyCount }, (_, i) => policyFor(i)),
      });
    }),
  );
}

const values = (synthesized: any, type: string) => Object.values(synthesized.resource?.[type] ?? {}) as any[];

describe("BrokerRolePolicies", () => {
  test("creates no IAM user, no access key and no role: the role exists, Vault runs as it", () => {
    expect(Object.keys(synthRolePolicies(2).resource).sort()).toEqual(["aws_iam_policy", "aws_iam_role_policy_attachment"]);
  });
  test("looks the role up by name, so that a plan fails when it does not exist", () => {
    const [role] = Object.values(synthRolePolicies(1).data.aws_iam_role) as any[];
    expect(role.name).toBe("vault-server");
  });
  test("fails the plan when the role's ARN is not the one the trust policies admit (a role with a path)", () => {
    const [role] = Object.values(synthRolePolicies(1).data.aws_iam_role) as any[];
    expect(role.lifecycle.postcondition).toEqual([
      {
        condition: `\${self.arn == "${roleArn}"}`,
        error_message: `broker.roleName: the role vault-server must have the ARN ${roleArn}, which the trust policies admit; a role with a path has another ARN and is not supported`,
      },
    ]);
  });
  test("writes each policy as literal JSON, named <role>-assume-<n>, and attaches it to the role by name", () => {
    const synthesized = synthRolePolicies(2);
    const policies = values(synthesized, "aws_iam_policy");
    expect(policies.map((p) => p.name)).toEqual(["vault-server-assume-1", "vault-server-assume-2"]);
    expect(policies.map((p) => JSON.parse(p.policy))).toEqual([policyFor(0), policyFor(1)]);
    const attachments = values(synthesized, "aws_iam_role_policy_attachment");
    expect(attachments.map((a) => a.role)).toEqual(["vault-server", "vault-server"]);
    expect(attachments.map((a) => a.policy_arn)).toEqual([
      expect.stringMatching(/^\$\{aws_iam_policy\.broker-role_assume-1_[0-9A-F]+\.arn\}$/),
      expect.stringMatching(/^\$\{aws_iam_policy\.broker-role_assume-2_[0-9A-F]+\.arn\}$/),
    ]);
  });
  test("policy names can never be a user's (<user>-assume-roles-<n>), so both sets coexist during a switch", () => {
    const names = values(synthRolePolicies(3, "vault-account"), "aws_iam_policy").map((p) => p.name);
    expect(names).toEqual(["vault-account-assume-1", "vault-account-assume-2", "vault-account-assume-3"]);
    for (const name of names) expect(name).not.toMatch(/-assume-roles-\d+$/);
  });
  test("policy names fit IAM's 128 characters with the longest role name and 20 policies", () => {
    const names = values(synthRolePolicies(20, "r".repeat(64)), "aws_iam_policy").map((p) => p.name);
    expect(Math.max(...names.map((n) => n.length))).toBe(64 + "-assume-20".length);
  });
  test("adding policies keeps every existing resource id", () => {
    const ids = (s: any) => Object.entries(s.resource).flatMap(([type, r]) => Object.keys(r as object).map((id) => `${type}.${id}`));
    expect(ids(synthRolePolicies(5))).toEqual(expect.arrayContaining(ids(synthRolePolicies(3))));
  });
});
