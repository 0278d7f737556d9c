import { assumePolicy, brokerAssumePolicies, brokerPolicyGroup, IAM_QUOTAS, MAX_BROKER_POLICIES } from "../../lib/policy/broker-policies";
import { policySize } from "../../lib/policy/document";

const arns = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => `arn:aws:iam::${String(100_000_000_000 + from + i)}:role/ec2-admin`);

describe("assumePolicy", () => {
  test("allows sts:AssumeRole on exactly the given ARNs, with no wildcard", () => {
    expect(assumePolicy(arns(2))).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AssumeConfiguredRoles",
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Resource: ["arn:aws:iam::100000000000:role/ec2-admin", "arn:aws:iam::100000000001:role/ec2-admin"],
        },
      ],
    });
  });
  test("adds an aws:ResourceOrgID condition when an organization is given", () => {
    expect(assumePolicy(arns(1), { organizationId: "o-a1b2c3d4e5" }).Statement[0].Condition).toEqual({
      StringEquals: { "aws:ResourceOrgID": "o-a1b2c3d4e5" },
    });
  });
});

describe("brokerAssumePolicies", () => {
  test("no roles, no policies", () => expect(brokerAssumePolicies([])).toEqual([]));
  test("a few roles fit one policy", () => expect(brokerAssumePolicies(arns(3))).toEqual([assumePolicy(arns(3))]));

  describe("at 2,000 roles", () => {
    const all = arns(2000);
    const policies = brokerAssumePolicies(all);
    test("every policy fits IAM's 6,144-character limit", () => {
      for (const policy of policies) expect(policySize(policy)).toBeLessThanOrEqual(IAM_QUOTAS.managedPolicyChars);
    });
    test("policies are packed: each but the last could not take one more ARN", () => {
      const resources = policies.map((p) => p.Statement[0].Resource as string[]);
      for (let i = 0; i < policies.length - 1; i++) {
        const grown = assumePolicy([...resources[i], resources[i + 1][0]]);
        expect(policySize(grown)).toBeGreaterThan(IAM_QUOTAS.managedPolicyChars);
      }
    });
    test("together they list every ARN exactly once, in order", () => {
      expect(policies.flatMap((p) => p.Statement[0].Resource)).toEqual(all);
    });
    test("they grant nothing but sts:AssumeRole", () => {
      for (const policy of policies) {
        expect(policy.Statement).toHaveLength(1);
        expect(policy.Statement[0]).toMatchObject({ Effect: "Allow", Action: "sts:AssumeRole" });
        expect(policy.Statement[0].Resource).not.toContain("*");
      }
    });
    test("need 15 policies (139 ARNs of 44 characters each fit in 6,144), within what one user can hold", () => {
      expect((policies[0].Statement[0].Resource as string[]).length).toBe(139);
      expect(policies).toHaveLength(15);
      expect(policies.length).toBeLessThanOrEqual(MAX_BROKER_POLICIES);
    });
  });

  test("appending roles leaves every full policy unchanged", () => {
    const before = brokerAssumePolicies(arns(400));
    const after = brokerAssumePolicies(arns(450));
    expect(after.slice(0, before.length - 1)).toEqual(before.slice(0, -1));
  });
});

describe("brokerPolicyGroup", () => {
  test("the first ten policies share group 0", () => {
    expect([0, 9].map(brokerPolicyGroup)).toEqual([0, 0]);
  });
  test("each next ten share the next group", () => {
    expect([10, 19, 20, 99].map(brokerPolicyGroup)).toEqual([1, 1, 2, 9]);
  });
  test("one user holds at most 100 policies, all through groups (10 groups of 10)", () => expect(MAX_BROKER_POLICIES).toBe(100));
});
