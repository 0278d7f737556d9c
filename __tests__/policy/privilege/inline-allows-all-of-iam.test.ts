import { inlineAllowsAllOfIam } from "../../../lib/policy/privilege";
import { inline } from "./helpers";

describe("inlineAllowsAllOfIam", () => {
  const admin = {
    level: "admin",
    reason: "the inline policy allows all of IAM (iam:*) on every resource, so the role can grant itself any permission",
  };

  test("iam:* on every resource is admin", () => {
    expect(inlineAllowsAllOfIam(inline({ Effect: "Allow", Action: ["IAM:*"], Resource: "*" }))).toEqual(admin);
  });
  test("a NotAction that leaves IAM in is admin", () => {
    expect(inlineAllowsAllOfIam(inline({ Effect: "Allow", NotAction: ["organizations:*", "account:*"], Resource: "*" }))).toEqual(admin);
  });
  test("a NotAction that leaves IAM out is not", () => {
    expect(inlineAllowsAllOfIam(inline({ Effect: "Allow", NotAction: ["iam:*", "organizations:*"], Resource: "*" }))).toBeUndefined();
  });
  test("iam:* on one role is not", () => {
    expect(
      inlineAllowsAllOfIam(inline({ Effect: "Allow", Action: "iam:*", Resource: "arn:aws:iam::222222222222:role/app" })),
    ).toBeUndefined();
  });
  test("a few IAM actions are not", () => {
    expect(inlineAllowsAllOfIam(inline({ Effect: "Allow", Action: ["iam:GetRole", "iam:ListRoles"], Resource: "*" }))).toBeUndefined();
  });
});
