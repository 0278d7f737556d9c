import type { PrivilegeRule } from "./level";
import { awsManagedPolicyName } from "./statements";

/** AWS managed policies that make a role an administrator, and why. */
const ADMIN_POLICIES: Readonly<Record<string, string>> = {
  AdministratorAccess: "AdministratorAccess allows every action on every resource",
  IAMFullAccess: "IAMFullAccess can grant the role itself any permission",
};

/** `admin`: the role has AWS's AdministratorAccess or IAMFullAccess. */
export const adminManagedPolicy: PrivilegeRule = (policy) => {
  const name = awsManagedPolicyName(policy);
  const reason = name === undefined ? undefined : ADMIN_POLICIES[name];
  return reason === undefined ? undefined : { level: "admin", reason };
};
