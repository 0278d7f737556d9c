import { inlineReadOnlyActions } from "../../../lib/policy/privilege";
import { inline, managed } from "./helpers";

describe("inlineReadOnlyActions", () => {
  const read = { level: "read", reason: "every action the inline policy allows is a Get, List, Describe, BatchGet or View action" };

  test("Get, List, Describe, BatchGet and View actions are read", () => {
    expect(
      inlineReadOnlyActions(
        inline({
          Effect: "Allow",
          Action: ["ec2:Describe*", "s3:GetObject", "s3:ListBucket", "dynamodb:BatchGetItem", "ce:ViewBilling"],
          Resource: "*",
        }),
      ),
    ).toEqual(read);
  });
  test("a Deny of anything does not make it less read-only", () => {
    expect(
      inlineReadOnlyActions(
        inline(
          { Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
          { Effect: "Deny", Action: "*", Resource: "arn:aws:s3:::secrets/*" },
        ),
      ),
    ).toEqual(read);
  });
  test("one write action makes it not read", () => {
    expect(
      inlineReadOnlyActions(inline({ Effect: "Allow", Action: ["lambda:GetFunction", "lambda:UpdateFunctionCode"], Resource: "*" })),
    ).toBeUndefined();
  });
  test("a service's every action is not read", () => {
    expect(inlineReadOnlyActions(inline({ Effect: "Allow", Action: "s3:*", Resource: "*" }))).toBeUndefined();
  });
  test("a NotAction is never read: it allows everything else", () => {
    expect(inlineReadOnlyActions(inline({ Effect: "Allow", NotAction: "s3:Put*", Resource: "*" }))).toBeUndefined();
  });
  test("a managed policy is not this rule's business", () => {
    expect(inlineReadOnlyActions(managed("ReadOnlyAccess"))).toBeUndefined();
  });
});
