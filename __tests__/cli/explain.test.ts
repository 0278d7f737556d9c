import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { explainStack } from "../../cli/commands/explain";
import { synth } from "../helpers";

describe("explainStack", () => {
  const { stacks } = synth(parse(readFileSync(`${__dirname}/../../accounts.yaml`, "utf8")));

  test("prints each IAM policy as the pretty JSON AWS stores, under a heading naming it", () => {
    const text = explainStack("aws-staging", stacks["aws-staging"]);
    expect(text.startsWith("# aws-staging\n")).toBe(true);
    expect(text).toContain("## IAM role deployer: inline policy ");
    const inline = text.split("## IAM role deployer: inline policy ")[1].split("\n\n")[1];
    expect(JSON.parse(inline)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Sid: "DeployLambdas", Effect: "Allow", Action: ["lambda:UpdateFunctionCode", "lambda:GetFunction"], Resource: "arn:aws:lambda:us-east-1:333333333333:function:*" }],
    });
    expect(text).toContain('## IAM role ec2-admin: trust policy (max session 3600 s)\n\n{\n  "Version": "2012-10-17",');
  });
  test("prints each Vault ACL policy as plain HCL, not an escaped string", () => {
    const text = explainStack("vault", stacks.vault);
    expect(text).toContain('## Vault ACL policy aws-developers\n\n# Managed by vault-aws-multi-account.');
    expect(text).toContain('path "aws/sts/dev-ec2-admin" {\n  capabilities = ["update"]\n');
    expect(text).not.toContain("\\n");
  });
  test("prints each Vault role's body", () => {
    const text = explainStack("vault-roles-06", stacks["vault-roles-06"]);
    expect(text).toContain('## Vault write aws/roles/prod-ec2-admin\n\n{\n  "credential_type": "assumed_role",');
  });
});
