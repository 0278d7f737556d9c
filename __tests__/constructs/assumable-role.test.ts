import { Testing } from "cdktf";
import { AssumableRole } from "../../lib/constructs/assumable-role";
import { brokerTrustPolicy } from "../../lib/policy/trust-policy";

const trustPolicy = brokerTrustPolicy({
  brokerAccountRootArn: "arn:aws:iam::111111111111:root",
  brokerPrincipalArns: ["arn:aws:iam::111111111111:user/vault-account"],
});

function synthRole(config: Partial<ConstructorParameters<typeof AssumableRole>[2]> = {}): any {
  return JSON.parse(
    Testing.synthScope((scope) => {
      new AssumableRole(scope, "ec2-admin", { roleName: "ec2-admin", trustPolicy, maxSessionSeconds: 3600, ...config });
    }),
  );
}

describe("AssumableRole", () => {
  test("writes the trust policy as the literal JSON AWS stores", () => {
    const role = Object.values(synthRole().resource.aws_iam_role)[0] as any;
    expect(JSON.parse(role.assume_role_policy)).toEqual(trustPolicy);
    expect(role.name).toBe("ec2-admin");
  });
  test("sets MaxSessionDuration", () => {
    const role = Object.values(synthRole({ maxSessionSeconds: 7200 }).resource.aws_iam_role)[0] as any;
    expect(role.max_session_duration).toBe(7200);
  });
  test("without managed policies or inline policy, creates only the role", () => {
    expect(Object.keys(synthRole().resource)).toEqual(["aws_iam_role"]);
  });
  test("attaches each managed policy with its own resource, not the deprecated managed_policy_arns", () => {
    const arns = ["arn:aws:iam::aws:policy/AmazonEC2FullAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess"];
    const synthesized = synthRole({ managedPolicyArns: arns });
    const attachments = Object.values(synthesized.resource.aws_iam_role_policy_attachment) as any[];
    expect(attachments.map((a) => a.policy_arn)).toEqual(arns);
    expect(JSON.stringify(synthesized)).not.toContain("managed_policy_arns");
  });
  test("an attachment's id comes from its ARN, so reordering the list changes nothing", () => {
    const a = "arn:aws:iam::aws:policy/AmazonEC2FullAccess";
    const b = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    const ids = (arns: string[]) => Object.keys(synthRole({ managedPolicyArns: arns }).resource.aws_iam_role_policy_attachment).sort();
    expect(ids([a, b])).toEqual(ids([b, a]));
  });
  test("writes the inline policy as its own resource, not the deprecated inline_policy block", () => {
    const inlinePolicy = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::logs" }],
    };
    const synthesized = synthRole({ inlinePolicy });
    const policy = Object.values(synthesized.resource.aws_iam_role_policy)[0] as any;
    expect(JSON.parse(policy.policy)).toEqual(inlinePolicy);
    expect(policy.name).toBe("inline");
    expect(synthesized.resource.aws_iam_role[Object.keys(synthesized.resource.aws_iam_role)[0]].inline_policy).toBeUndefined();
  });
});
