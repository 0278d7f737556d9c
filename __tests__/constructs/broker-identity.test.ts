import { TerraformOutput, Testing } from "cdktf";
import { BrokerIdentity } from "../../lib/constructs/broker-identity";
import { assumePolicy } from "../../lib/policy/broker-policies";

const policyFor = (n: number) => assumePolicy([`arn:aws:iam::${String(200_000_000_000 + n)}:role/r`]);

function synthBroker(policyCount: number, keys: { keyGeneration?: number; keepPreviousKey?: boolean } = {}): any {
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
  test("creates the user and one access key, of generation 1", () => {
    const synthesized = synthBroker(1);
    expect(values(synthesized, "aws_iam_user").map((u) => u.name)).toEqual(["vault-account"]);
    expect(Object.keys(synthesized.resource.aws_iam_access_key)).toEqual([expect.stringMatching(/^broker_access-key-1_/)]);
  });
  test("raising the generation names a new key, so the old one is not replaced in place", () => {
    const synthesized = synthBroker(1, { keyGeneration: 2 });
    expect(Object.keys(synthesized.resource.aws_iam_access_key)).toEqual([expect.stringMatching(/^broker_access-key-2_/)]);
  });
  test("during a rotation, keeps the previous generation's key too (IAM allows two)", () => {
    const synthesized = synthBroker(1, { keyGeneration: 3, keepPreviousKey: true });
    expect(Object.keys(synthesized.resource.aws_iam_access_key).sort()).toEqual([
      expect.stringMatching(/^broker_access-key-2_/),
      expect.stringMatching(/^broker_access-key-3_/),
    ]);
  });
  test("exposes the current generation's key", () => {
    const synthesized = JSON.parse(
      Testing.synthScope((scope) => {
        const broker = new BrokerIdentity(scope, "broker", { userName: "u", policies: [], keyGeneration: 2, keepPreviousKey: true });
        new TerraformOutput(scope, "id", { value: broker.accessKeyId });
        new TerraformOutput(scope, "secret", { value: broker.secretAccessKey, sensitive: true });
      }),
    );
    expect(synthesized.output.id.value).toMatch(/^\$\{aws_iam_access_key\.broker_access-key-2_[0-9A-F]+\.id\}$/);
    expect(synthesized.output.secret.value).toMatch(/^\$\{aws_iam_access_key\.broker_access-key-2_[0-9A-F]+\.secret\}$/);
  });
  test("writes each policy as literal JSON and attaches it to a group the user joins", () => {
    const synthesized = synthBroker(2);
    const policies = values(synthesized, "aws_iam_policy");
    expect(policies.map((p) => p.name)).toEqual(["vault-account-assume-roles-1", "vault-account-assume-roles-2"]);
    expect(policies.map((p) => JSON.parse(p.policy))).toEqual([policyFor(0), policyFor(1)]);
    expect(values(synthesized, "aws_iam_group").map((g) => g.name)).toEqual(["vault-account-assume-roles-0"]);
    expect(values(synthesized, "aws_iam_group_policy_attachment")).toHaveLength(2);
    const [membership] = values(synthesized, "aws_iam_user_group_membership");
    expect(membership.groups).toEqual([expect.stringMatching(/^\$\{aws_iam_group\.broker_assume-roles-group-0_[0-9A-F]+\.name\}$/)]);
  });
  test("attaches no policy to the user itself, so permissions are managed on groups only (CKV_AWS_40)", () => {
    expect(synthBroker(2).resource.aws_iam_user_policy_attachment).toBeUndefined();
  });
  test("grants no inline policy and no permission beyond its managed policies", () => {
    const synthesized = synthBroker(1);
    expect(Object.keys(synthesized.resource).sort()).toEqual([
      "aws_iam_access_key",
      "aws_iam_group",
      "aws_iam_group_policy_attachment",
      "aws_iam_policy",
      "aws_iam_user",
      "aws_iam_user_group_membership",
    ]);
  });
  test("with no policies, creates no group and no membership", () => {
    const synthesized = synthBroker(0);
    expect(Object.keys(synthesized.resource).sort()).toEqual(["aws_iam_access_key", "aws_iam_user"]);
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
