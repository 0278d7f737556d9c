import type { PrivilegeRule } from "./level";
import { allowStatements } from "./statements";

/** Action verbs that read and change nothing, as IAM's actions are named (`ec2:DescribeVpcs`, `s3:Get*`). */
const READ_VERBS = /^[a-z0-9-]+:(get|list|describe|batchget|view)/;

/**
 * `read`: every action an inline policy allows is a Get, List, Describe, BatchGet or View action,
 * named in `Action` (a `NotAction` allows everything else, so it is never read-only).
 */
export const inlineReadOnlyActions: PrivilegeRule = (policy) => {
  const statements = allowStatements(policy);
  if (statements === undefined || !statements.every((s) => s.actions !== undefined && s.actions.every((a) => READ_VERBS.test(a))))
    return undefined;
  return { level: "read", reason: "every action the inline policy allows is a Get, List, Describe, BatchGet or View action" };
};
