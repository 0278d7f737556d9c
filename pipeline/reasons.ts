import { isJsonObject } from "../lib/json";
import { parseStackJson, type TerraformValues } from "../run/terraform-json";

/**
 * Why a stack changes between two synths, in words: which resources are added, removed or changed,
 * which of their attributes differ, and for a policy, which ARNs it gains or loses. For example,
 * the broker's stack changes because its policy gains the new role's ARN.
 */

/** The ARN-like strings a policy document's statements name (Resource, NotResource, Principal.AWS). */
function policyArns(text: unknown): Set<string> | undefined {
  if (typeof text !== "string") return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  const statements = isJsonObject(doc) ? doc.Statement : undefined;
  if (!Array.isArray(statements)) return undefined;
  const arns = new Set<string>();
  const add = (value: unknown) => {
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === "string" && v.startsWith("arn:")) arns.add(v);
  };
  for (const statement of statements.filter(isJsonObject)) {
    add(statement.Resource);
    add(statement.NotResource);
    add(isJsonObject(statement.Principal) ? statement.Principal.AWS : undefined);
  }
  return arns;
}

/** What differs in one attribute, in words. */
function attributeChange(name: string, before: unknown, after: unknown): string {
  const [was, is] = [policyArns(before), policyArns(after)];
  if (was && is) {
    const gained = [...is].filter((a) => !was.has(a)).sort();
    const lost = [...was].filter((a) => !is.has(a)).sort();
    const parts = [...(gained.length > 0 ? [`gains ${list(gained)}`] : []), ...(lost.length > 0 ? [`loses ${list(lost)}`] : [])];
    return `its ${name} ${parts.length > 0 ? parts.join(" and ") : "changes (no ARN added or removed)"}`;
  }
  return `its ${name} changes`;
}

function list(items: readonly string[], max = 3): string {
  return items.length > max ? `${items.slice(0, max).join(", ")} and ${items.length - max} more` : items.join(", ");
}

/**
 * The reasons a stack's synthesized JSON changes, one per resource that differs (at most `max`,
 * then how many more), e.g. `aws_iam_policy.broker: its policy gains arn:aws:iam::1:role/x`.
 * `before` and `after` are the stack's JSON texts; `before` undefined means the stack is new.
 */
export function changeReasons(before: string | undefined, after: string, max = 5): string[] {
  if (before === undefined) return ["new stack"];
  const [a, b] = [parseStackJson(before), parseStackJson(after)];
  const reasons: string[] = [];
  const types = [...new Set([...Object.keys(a.resource ?? {}), ...Object.keys(b.resource ?? {})])].sort();
  for (const type of types) {
    const [was, is] = [a.resource?.[type] ?? {}, b.resource?.[type] ?? {}];
    for (const id of [...new Set([...Object.keys(was), ...Object.keys(is)])].sort()) {
      const address = `${type}.${id}`;
      const named = (resource: TerraformValues) =>
        typeof resource.name === "string" ? ` (${resource.name})` : typeof resource.path === "string" ? ` (${resource.path})` : "";
      if (!(id in was)) reasons.push(`+ ${address}${named(is[id])}`);
      else if (!(id in is)) reasons.push(`- ${address}${named(was[id])}`);
      else if (JSON.stringify(was[id]) !== JSON.stringify(is[id])) {
        const names = [...new Set([...Object.keys(was[id]), ...Object.keys(is[id])])]
          .filter((k) => JSON.stringify(was[id][k]) !== JSON.stringify(is[id][k]))
          .sort();
        reasons.push(`~ ${address}${named(is[id])}: ${names.map((n) => attributeChange(n, was[id][n], is[id][n])).join("; ")}`);
      }
    }
  }
  if (reasons.length === 0) {
    const parts = ["terraform", "provider", "data", "output", "locals", "variable"].filter(
      (k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]),
    );
    return [
      `no resource changes; its ${parts.length > 0 ? parts.join(", ") : "settings"} block${parts.length === 1 ? "" : "s"} differ${parts.length === 1 ? "s" : ""}`,
    ];
  }
  return reasons.length > max ? [...reasons.slice(0, max), `… and ${reasons.length - max} more resources`] : reasons;
}
