import { isJsonObject, type JsonObject } from "../../json";
import type { RolePolicy } from "./level";

/** An `Allow` statement of an inline policy, its fields as lists (IAM accepts a string or a list). */
export interface AllowStatement {
  /** `Action`, lower-cased; `undefined` when the statement uses `NotAction`. */
  readonly actions?: readonly string[];
  /** `NotAction`, lower-cased; `undefined` when the statement uses `Action`. */
  readonly notActions?: readonly string[];
  /** Whether it applies to every resource: `Resource: "*"`, or any `NotResource` (all but a few). */
  readonly everyResource: boolean;
}

/** The `Allow` statements of an inline policy; `Deny` statements only ever take rights away, so the rules ignore them. */
export function allowStatements(policy: RolePolicy): AllowStatement[] | undefined {
  if (policy.kind !== "inline") return undefined;
  const statement = policy.document.Statement;
  const statements: unknown[] = Array.isArray(statement) ? statement : [statement];
  return statements
    .filter((s): s is JsonObject => isJsonObject(s) && s.Effect === "Allow")
    .map((s) => ({
      actions: "Action" in s ? list(s.Action) : undefined,
      notActions: "NotAction" in s ? list(s.NotAction) : undefined,
      everyResource: "NotResource" in s || list(s.Resource).includes("*"),
    }));
}

function list(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string").map((v) => v.toLowerCase());
}

/**
 * The name of an AWS managed policy (`arn:<partition>:iam::aws:policy/<path/><name>`), without its
 * path: `ViewOnlyAccess` for `…:policy/job-function/ViewOnlyAccess`. `undefined` for a customer
 * managed policy, whose name says nothing reliable about what it allows.
 */
export function awsManagedPolicyName(policy: RolePolicy): string | undefined {
  if (policy.kind !== "managed") return undefined;
  const match = /^arn:[^:]+:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(policy.policyArn);
  return match?.[1];
}
