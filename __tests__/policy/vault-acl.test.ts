import { requesterAclPolicy } from "../../lib/policy/vault-acl";

describe("requesterAclPolicy", () => {
  test("grants update on exactly the given STS paths", () => {
    expect(requesterAclPolicy("developers", ["aws/sts/dev-ec2-admin", "aws/sts/dev-readonly"])).toBe(
      `# Managed by vault-aws-multi-account. Requester group "developers" may mint STS credentials for these roles only.
path "aws/sts/dev-ec2-admin" {
  capabilities = ["update"]
}
path "aws/sts/dev-readonly" {
  capabilities = ["update"]
}
`,
    );
  });
  test("has no glob and no capability but update", () => {
    const text = requesterAclPolicy("sre", ["aws/sts/prod-ec2-admin"]);
    expect(text).not.toMatch(/[*+]/);
    expect(text.match(/capabilities = \[(.*)\]/g)).toEqual(['capabilities = ["update"]']);
  });
});
