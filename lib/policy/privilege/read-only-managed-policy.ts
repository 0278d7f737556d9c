import type { PrivilegeRule } from "./level";
import { awsManagedPolicyName } from "./statements";

/** AWS managed policies that only look, besides those named `…ReadOnly…`. */
const READ_ONLY_POLICIES = new Set(["ViewOnlyAccess", "SecurityAudit"]);

/**
 * `read`: an AWS managed policy that reads and changes nothing: ReadOnlyAccess and every other
 * `…ReadOnly…` policy (AmazonEC2ReadOnlyAccess, AWSBillingReadOnlyAccess), ViewOnlyAccess,
 * SecurityAudit. Judged by name, as AWS names its policies.
 */
export const readOnlyManagedPolicy: PrivilegeRule = (policy) => {
  const name = awsManagedPolicyName(policy);
  if (name === undefined || !(name.includes("ReadOnly") || READ_ONLY_POLICIES.has(name))) return undefined;
  return { level: "read", reason: `${name} is an AWS managed read-only policy` };
};
