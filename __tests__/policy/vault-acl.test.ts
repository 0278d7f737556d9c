import { requesterAclPolicy } from "../../lib/policy/vault-acl";

const dev = { path: "aws/sts/dev-ec2-admin", roleArns: ["arn:aws:iam::222222222222:role/ec2-admin"] };
const spanning = {
  path: "aws/sts/readonly-nonprod",
  roleArns: ["arn:aws:iam::222222222222:role/readonly", "arn:aws:iam::111111111111:role/readonly"],
};

describe("requesterAclPolicy", () => {
  test("grants update on exactly the given STS paths, with only ttl as a parameter", () => {
    expect(requesterAclPolicy("developers", [dev])).toBe(
      `# Managed by vault-aws-multi-account. Requester group "developers" may mint STS credentials for these roles only.
path "aws/sts/dev-ec2-admin" {
  capabilities = ["update"]
  allowed_parameters = {
    "ttl" = []
  }
}
`,
    );
  });
  test("a role spanning accounts also allows role_arn, limited to its own ARNs", () => {
    expect(requesterAclPolicy("auditors", [spanning])).toContain(
      `  allowed_parameters = {
    "ttl" = []
    "role_arn" = ["arn:aws:iam::222222222222:role/readonly", "arn:aws:iam::111111111111:role/readonly"]
  }`,
    );
  });
  test("never lets a requester choose role_session_name, which CloudTrail records", () => {
    expect(requesterAclPolicy("x", [dev, spanning])).not.toContain("role_session_name");
  });
  test("has no glob and no capability but update", () => {
    const text = requesterAclPolicy("sre", [dev, spanning]);
    expect(text).not.toMatch(/"[^"]*[*+][^"]*"/);
    expect(text.match(/capabilities = \[(.*)\]/g)).toEqual(['capabilities = ["update"]', 'capabilities = ["update"]']);
  });
});
