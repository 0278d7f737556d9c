import { higherPrivilege, policyPrivilege, rolePrivilege } from "../../../lib/policy/privilege";
import { inline, managed } from "./helpers";

const arn = (name: string) => `arn:aws:iam::aws:policy/${name}`;

describe("policyPrivilege", () => {
  test("a managed policy no rule recognizes is write", () => {
    expect(policyPrivilege(managed("AmazonEC2FullAccess"))).toEqual({
      level: "write",
      reason: "AmazonEC2FullAccess is neither an administrator nor a read-only policy",
    });
  });
  test("a customer managed policy is write, its content unknown", () => {
    expect(policyPrivilege({ kind: "managed", policyArn: "arn:aws:iam::222222222222:policy/deploy" })).toEqual({
      level: "write",
      reason: "arn:aws:iam::222222222222:policy/deploy is a customer managed policy, whose content is not read here",
    });
  });
  test("an inline policy no rule recognizes is write", () => {
    expect(policyPrivilege(inline({ Effect: "Allow", Action: "lambda:UpdateFunctionCode", Resource: "*" }))).toEqual({
      level: "write",
      reason: "the inline policy allows actions that are not read-only",
    });
  });
  test("admin rules come before read rules", () => {
    expect(policyPrivilege(inline({ Effect: "Allow", Action: "*", Resource: "*" })).level).toBe("admin");
  });
});

describe("rolePrivilege", () => {
  test("the highest level over the role's policies, with the reasons at that level", () => {
    expect(rolePrivilege({ managedPolicyArns: [arn("ReadOnlyAccess"), arn("AmazonEC2FullAccess"), arn("AmazonS3FullAccess")] })).toEqual({
      level: "write",
      reasons: [
        "AmazonEC2FullAccess is neither an administrator nor a read-only policy",
        "AmazonS3FullAccess is neither an administrator nor a read-only policy",
      ],
    });
  });
  test("an admin inline policy beside read-only managed policies is admin", () => {
    expect(
      rolePrivilege({
        managedPolicyArns: [arn("ReadOnlyAccess")],
        inlinePolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
      }).level,
    ).toBe("admin");
  });
  test("read-only policies only are read", () => {
    expect(rolePrivilege({ managedPolicyArns: [arn("ReadOnlyAccess"), arn("job-function/ViewOnlyAccess")] }).level).toBe("read");
  });
  test("a role with no policy can do nothing, and is read", () => {
    expect(rolePrivilege({ managedPolicyArns: [] })).toEqual({ level: "read", reasons: ["the role has no policy, so it can do nothing"] });
  });
});

describe("higherPrivilege", () => {
  test("orders read < write < admin", () => {
    expect(higherPrivilege("read", "write")).toBe("write");
    expect(higherPrivilege("admin", "write")).toBe("admin");
    expect(higherPrivilege("read", "read")).toBe("read");
  });
});
