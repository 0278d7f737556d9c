import { TerraformOutput, Testing } from "cdktf";
import { BrokerIdentity } from "../../lib/constructs/broker-identity";
import { assumePolicy } from "../../lib/policy/broker-policies";

const policyFor = (n: number) => assumePolicy([`arn:aws:iam::${String(200_000_000_000 + n)}:role/r`]);

function synthBroker(policyCount: number, keys: { keyGeneration?: number } = {}): any {
  return JSON.parse(
    Testing.synthScope((scope) => {
      new BrokerIdentity(scope, "broker", {
        userName: "vault-account",
        policies: Array.from({ length: policyCount }, (_, i) => policyFor(i)),
        ...keys,
      });
    }),
  );
}

const values = (synthesized: any, type: string) => Object.values(synthesized.resource[type] ?? {}) as any[];

describe("BrokerIdentity", () => {
  test("creates the user and no access key: no state or plan of this stack holds one", () => {
    const synthesized = synthBroker(1);
    expect(values(synthesized, "aws_iam_user").map((u) => u.name)).toEqual(["vault-account"]);
    expect(synthesized.resource.aws_iam_access_key).toBeUndefined();
    expect(JSON.stringify(synthesized)).not.toMatch(/secret/);
  });
  test("forgets, without deleting, the keys earlier versions created for this generation and the one before", () => {
    expect(synthBroker(1).removed).toEqual([
      { from: expect.stringMatching(/^aws_iam_access_key\.broker_access-key-1_[0-9A-F]+$/), lifecycle: { destroy: false } },
    ]);
    expect(synthBroker(1, { keyGeneration: 3 }).removed.map((r: any) => r.from)).toEqual([
      expect.stringMatching(/^aws_iam_access_key\.broker_access-key-2_[0-9A-F]+$/),
      expect.stringMatching(/^aws_iam_access_key\.broker_access-key-3_[0-9A-F]+$/),
    ]);
  });
  test("the forgotten address is the one the key had on main (construct path broker/access-key-<n>)", () => {
    // The address main's BrokerIdentity gave generation 2's key (synthesized from main's construct, same path).
    const main = "aws_iam_access_key.broker_access-key-2_16DE351E";
    expect(synthBroker(1, { keyGeneration: 2 }).removed.map((r: any) => r.from)).toContain(main);
  });
  test("lets the user manage its own keys only, through group <user>-assume-roles-0 (what Vault's rotate-root calls)", () => {
    const synthesized = synthBroker(1);
    const [policy] = values(synthesized, "aws_iam_group_policy");
    expect(JSON.parse(policy.policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "RotateOwnAccessKey",
          Effect: "Allow",
          Action: ["iam:GetUser", "iam:ListAccessKeys", "iam:CreateAccessKey", "iam:DeleteAccessKey"],
          Resource: expect.stringMatching(/^\$\{aws_iam_user\.broker_user_[0-9A-F]+\.arn\}$/),
        },
      ],
    });
    expect(policy.group).toMatch(/^\$\{aws_iam_group\.broker_assume-roles-group-0_[0-9A-F]+\.name\}$/);
  });
  test("writes each policy as literal JSON and attaches it to a group the user joins", () => {
    const synthesized = synthBroker(2);
    const policies = values(synthesized, "aws_iam_policy");
    expect(policies.map((p) => p.name)).toEqual(["vault-account-assume-roles-1", "vault-account-assume-roles-2"]);
    expect(policies.map((p) => JSON.parse(p.policy))).toEqual([policyFor(0), policyFor(1)]);
    expect(values(synthesized, "aws_iam_group").map((g) => g.name)).toEqual(["vault-account-assume-roles-0"]);
    expect(values(synthesized, "aws_iam_group_policy_attachment")).toHaveLength(2);
    const [membership] = values(synthesized, "aws_iam_user_group_membership");
    expect(membership.groups[0]).toMatch(/^\$\{aws_iam_group\.broker_assume-roles-group-0_[0-9A-F]+\.name\}$/);
  });
  test("attaches no policy to the user itself, so permissions are managed on groups only (CKV_AWS_40)", () => {
    expect(synthBroker(2).resource.aws_iam_user_policy_attachment).toBeUndefined();
  });
  test("grants no permission beyond its managed policies and its own-keys group policy", () => {
    const synthesized = synthBroker(1);
    expect(Object.keys(synthesized.resource).sort()).toEqual([
      "aws_iam_group",
      "aws_iam_group_policy",
      "aws_iam_group_policy_attachment",
      "aws_iam_policy",
      "aws_iam_user",
      "aws_iam_user_group_membership",
    ]);
  });
  test("with no policies, the user is still in group 0, which holds its own-keys policy", () => {
    const synthesized = synthBroker(0);
    expect(Object.keys(synthesized.resource).sort()).toEqual([
      "aws_iam_group",
      "aws_iam_group_policy",
      "aws_iam_user",
      "aws_iam_user_group_membership",
    ]);
  });
  test("group k holds policies 10k + 1 to 10k + 10", () => {
    const synthesized = synthBroker(25);
    expect(values(synthesized, "aws_iam_group").map((g) => g.name)).toEqual([
      "vault-account-assume-roles-0",
      "vault-account-assume-roles-1",
      "vault-account-assume-roles-2",
    ]);
    const groupOf = (attachment: any) => Number(/assume-roles-group-(\d+)_/.exec(attachment.group)![1]);
    const policyOf = (attachment: any) => Number(/aws_iam_policy\.broker_assume-roles-(\d+)_/.exec(attachment.policy_arn)![1]);
    const placement = values(synthesized, "aws_iam_group_policy_attachment")
      .map((a) => [policyOf(a), groupOf(a)])
      .sort(([a], [b]) => a - b);
    expect(placement).toEqual(Array.from({ length: 25 }, (_, i) => [i + 1, Math.floor(i / 10)]));
    const [membership] = values(synthesized, "aws_iam_user_group_membership");
    expect(membership.groups).toHaveLength(3);
  });
  test("group names fit IAM's 128 characters with the longest user name", () => {
    const synthesized = JSON.parse(
      Testing.synthScope((scope) => {
        new BrokerIdentity(scope, "broker", { userName: "u".repeat(64), policies: Array.from({ length: 100 }, (_, i) => policyFor(i)) });
      }),
    );
    const names = values(synthesized, "aws_iam_group").map((g) => g.name);
    expect(names).toHaveLength(10);
    expect(Math.max(...names.map((n) => n.length))).toBe(64 + "-assume-roles-9".length);
    expect(Math.max(...names.map((n) => n.length))).toBeLessThanOrEqual(128);
  });
  test("adding policies keeps every existing resource id", () => {
    const ids = (s: any) => Object.entries(s.resource).flatMap(([type, r]) => Object.keys(r as object).map((id) => `${type}.${id}`));
    const before = ids(synthBroker(12));
    const after = ids(synthBroker(30));
    expect(after).toEqual(expect.arrayContaining(before));
  });
});
