import { readOnlyManagedPolicy } from "../../../lib/policy/privilege";
import { inline, managed } from "./helpers";

describe("readOnlyManagedPolicy", () => {
  test.each([
    ["ReadOnlyAccess", "ReadOnlyAccess"],
    ["job-function/ViewOnlyAccess", "ViewOnlyAccess"],
    ["SecurityAudit", "SecurityAudit"],
    ["AmazonEC2ReadOnlyAccess", "AmazonEC2ReadOnlyAccess"],
    ["AWSBillingReadOnlyAccess", "AWSBillingReadOnlyAccess"],
  ])("%s is read", (path, name) => {
    expect(readOnlyManagedPolicy(managed(path))).toEqual({ level: "read", reason: `${name} is an AWS managed read-only policy` });
  });
  test.each(["AmazonEC2FullAccess", "PowerUserAccess", "AdministratorAccess"])("%s is not recognized", (name) => {
    expect(readOnlyManagedPolicy(managed(name))).toBeUndefined();
  });
  test("a customer managed policy named ReadOnly is not judged by its name", () => {
    expect(readOnlyManagedPolicy({ kind: "managed", policyArn: "arn:aws:iam::222222222222:policy/ReadOnlyAccess" })).toBeUndefined();
  });
  test("an inline policy is not this rule's business", () => {
    expect(readOnlyManagedPolicy(inline({ Effect: "Allow", Action: "ec2:Describe*", Resource: "*" }))).toBeUndefined();
  });
});
