import { adminManagedPolicy } from "../../../lib/policy/privilege";
import { inline, managed } from "./helpers";

describe("adminManagedPolicy", () => {
  test("AdministratorAccess is admin", () => {
    expect(adminManagedPolicy(managed("AdministratorAccess"))).toEqual({
      level: "admin",
      reason: "AdministratorAccess allows every action on every resource",
    });
  });
  test("IAMFullAccess is admin: the role can grant itself anything", () => {
    expect(adminManagedPolicy(managed("IAMFullAccess"))).toEqual({
      level: "admin",
      reason: "IAMFullAccess can grant the role itself any permission",
    });
  });
  test("in another partition too", () => {
    expect(adminManagedPolicy({ kind: "managed", policyArn: "arn:aws-us-gov:iam::aws:policy/AdministratorAccess" })?.level).toBe("admin");
  });
  test.each(["AmazonEC2FullAccess", "PowerUserAccess", "AdministratorAccess-Amplify", "ReadOnlyAccess"])("%s is not recognized", (name) => {
    expect(adminManagedPolicy(managed(name))).toBeUndefined();
  });
  test("a customer managed policy named AdministratorAccess is not judged by its name", () => {
    expect(adminManagedPolicy({ kind: "managed", policyArn: "arn:aws:iam::222222222222:policy/AdministratorAccess" })).toBeUndefined();
  });
  test("an inline policy is not this rule's business", () => {
    expect(adminManagedPolicy(inline({ Effect: "Allow", Action: "*", Resource: "*" }))).toBeUndefined();
  });
});
