import type { RolePolicy } from "../../../lib/policy/privilege";

/** An AWS managed policy by its name (and path). */
export const managed = (name: string): RolePolicy => ({ kind: "managed", policyArn: `arn:aws:iam::aws:policy/${name}` });

/** An inline policy of the given statements. */
export const inline = (...Statement: Record<string, unknown>[]): RolePolicy => ({
  kind: "inline",
  document: { Version: "2012-10-17", Statement },
});
