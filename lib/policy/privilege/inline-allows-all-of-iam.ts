import type { PrivilegeRule } from "./level";
import { allowStatements } from "./statements";

/**
 * `admin`: an inline policy allows all of IAM on every resource, either as `iam:*` or as a
 * `NotAction` that does not leave IAM out: a role that can write its own policies can give itself
 * anything.
 */
export const inlineAllowsAllOfIam: PrivilegeRule = (policy) => {
  const found = allowStatements(policy)?.some(
    (s) =>
      s.everyResource &&
      (s.actions?.includes("iam:*") || (s.notActions !== undefined && !s.notActions.some((a) => a === "*" || a.startsWith("iam:")))),
  );
  return found
    ? {
        level: "admin",
        reason: "the inline policy allows all of IAM (iam:*) on every resource, so the role can grant itself any permission",
      }
    : undefined;
};
