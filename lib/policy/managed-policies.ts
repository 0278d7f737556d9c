import { closest } from "fastest-levenshtein";
import snapshot from "../data/aws-managed-policies.json";

/** The AWS managed policies (path and name, e.g. `service-role/AmazonEC2RoleforSSM`) known to the snapshot. */
const KNOWN = new Set<string>(snapshot.policies);

/** Where the snapshot of AWS managed policy names comes from, and when it was taken. */
export const MANAGED_POLICY_SNAPSHOT = `${snapshot.source}, taken ${snapshot.snapshot}`;

/**
 * For an AWS managed policy ARN (`arn:<partition>:iam::aws:policy/<path/name>`) whose name the
 * snapshot does not know, the closest known name; `undefined` when the name is known, or the ARN is
 * not an AWS managed policy's.
 */
export function unknownManagedPolicy(arn: string): { readonly name: string; readonly closest: string } | undefined {
  const match = /^arn:[^:]+:iam::aws:policy\/(.+)$/.exec(arn);
  if (!match || KNOWN.has(match[1])) return undefined;
  return { name: match[1], closest: closest(match[1], [...KNOWN]) };
}
