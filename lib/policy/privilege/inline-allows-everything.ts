import type { PrivilegeRule } from "./level";
import { allowStatements } from "./statements";

/** `admin`: an inline policy allows the action `*` on every resource, which is AdministratorAccess written by hand. */
export const inlineAllowsEverything: PrivilegeRule = (policy) => {
  const found = allowStatements(policy)?.some((s) => s.everyResource && (s.actions?.includes("*") ?? false));
  return found ? { level: "admin", reason: 'the inline policy allows every action ("*") on every resource' } : undefined;
};
