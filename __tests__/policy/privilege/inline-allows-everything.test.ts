import { inlineAllowsEverything } from "../../../lib/policy/privilege";
import { inline, managed } from "./helpers";

describe("inlineAllowsEverything", () => {
  const admin = { level: "admin", reason: 'the inline policy allows every action ("*") on every resource' };

  test('Action "*" on Resource "*" is admin', () => {
    expect(inlineAllowsEverything(inline({ Effect: "Allow", Action: "*", Resource: "*" }))).toEqual(admin);
  });
  test("as lists, among other statements", () => {
    expect(
      inlineAllowsEverything(
        inline(
          { Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
          { Effect: "Allow", Action: ["ec2:*", "*"], Resource: ["arn:aws:s3:::x", "*"] },
        ),
      ),
    ).toEqual(admin);
  });
  test("with NotResource, which is every resource but a few", () => {
    expect(inlineAllowsEverything(inline({ Effect: "Allow", Action: "*", NotResource: "arn:aws:s3:::secrets/*" }))).toEqual(admin);
  });
  test('"*" on one resource is not', () => {
    expect(inlineAllowsEverything(inline({ Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::bucket/*" }))).toBeUndefined();
  });
  test("a service's every action is not", () => {
    expect(inlineAllowsEverything(inline({ Effect: "Allow", Action: "ec2:*", Resource: "*" }))).toBeUndefined();
  });
  test("a Deny of everything is not", () => {
    expect(inlineAllowsEverything(inline({ Effect: "Deny", Action: "*", Resource: "*" }))).toBeUndefined();
  });
  test("a managed policy is not this rule's business", () => {
    expect(inlineAllowsEverything(managed("AdministratorAccess"))).toBeUndefined();
  });
});
