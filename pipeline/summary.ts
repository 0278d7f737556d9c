import { accessChangesMarkdown, foldedList as list, foldedTable } from "../report/markdown";
import { markdownCode, markdownText } from "../lib/output-text";
import type { Changes, Wave } from "./changes";
import type { PlannedChange } from "../run/runner";
import type { StackJson } from "../run/terraform-json";

/** Resource types whose delete or replacement a reviewer must see first, and what each is. */
const GUARDED_TYPES: Readonly<Record<string, string>> = {
  aws_iam_role: "an assumable IAM role",
  aws_iam_user: "the broker user",
  aws_iam_access_key: "a broker access key",
  aws_iam_policy: "the broker's assume-role policy",
  vault_aws_secret_backend: "the Vault AWS secrets engine mount (destroying it revokes every lease it issued)",
  vault_mount: "a Vault mount (destroying it revokes every lease it issued)",
  vault_generic_endpoint: "a Vault role",
  vault_policy: "a Vault ACL policy",
  vault_identity_group: "a requester identity group",
};

/** One thing a reviewer must look at before approving. */
export interface DangerFlag {
  readonly stack: string;
  readonly address: string;
  readonly reason: string;
}

/** What one stack's plan does. */
export interface StackPlan {
  readonly stack: string;
  readonly action: "apply" | "destroy";
  /** Whether `changes` listed it as a new stack, an update or a removal. */
  readonly predicted: "create" | "update" | "destroy";
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  /** Resources replaced (counted in both add and destroy). */
  readonly replace: number;
  readonly planFile: string;
  /** The plan as text (`terraform show -no-color`), beside the plan: `<stack>.txt`. */
  readonly planText: string;
  /** Its size in bytes. */
  readonly planTextBytes: number;
}

/** `summary.json` of a plan folder. */
export interface PlanSummary {
  readonly version: 1;
  readonly base: string;
  readonly shard?: string;
  readonly changes: Changes;
  readonly accessKnown: boolean;
  /** Every wave of the change in apply order, each with this shard's stacks (possibly none), so shards line up by index. */
  readonly waves: readonly Wave[];
  readonly stacks: Readonly<Record<string, StackPlan>>;
  readonly danger: readonly DangerFlag[];
  /** Made by the plan identity (`--read-only`): for review, never applied. */
  readonly readOnly?: boolean;
}

/** Counts of a stack's plan. */
export function countChanges(changes: readonly PlannedChange[]): Pick<StackPlan, "add" | "change" | "destroy" | "replace"> {
  let add = 0;
  let change = 0;
  let destroy = 0;
  let replace = 0;
  for (const { actions } of changes) {
    if (actions.includes("create")) add += 1;
    if (actions.includes("delete")) destroy += 1;
    if (actions.includes("update")) change += 1;
    if (actions.includes("create") && actions.includes("delete")) replace += 1;
  }
  return { add, change, destroy, replace };
}

/**
 * The danger flags of one stack's plan: a delete or replacement of a guarded resource; any change
 * of an existing role's trust policy; and a change to a resource whose configuration is the same in
 * the base and current synth and refers to nothing that changed, i.e. a change the config diff did
 * not predict (drift, or a base that is not what is deployed).
 */
export function dangerFlags(
  stack: string,
  changes: readonly PlannedChange[],
  baseJson: StackJson | undefined,
  currentJson: StackJson | undefined,
): DangerFlag[] {
  const flags: DangerFlag[] = [];
  for (const c of changes) {
    if (c.actions.includes("no-op") || c.actions.includes("read")) continue;
    const guarded = GUARDED_TYPES[c.type];
    const replaced = c.actions.includes("delete") && c.actions.includes("create");
    if (guarded && c.actions.includes("delete")) {
      flags.push({ stack, address: c.address, reason: `${replaced ? "replaces" : "destroys"} ${guarded}` });
    }
    if (c.type === "aws_iam_role" && c.before && c.after && c.before.assume_role_policy !== c.after.assume_role_policy) {
      flags.push({ stack, address: c.address, reason: "changes the trust policy of an IAM role (who may assume it)" });
    }
    if (baseJson && currentJson && !configChanged(c, baseJson, currentJson)) {
      flags.push({
        stack,
        address: c.address,
        reason: `${c.actions.join("/")} although its configuration did not change: drift, or the base is not what is deployed`,
      });
    }
  }
  if (baseJson && currentJson) flags.push(...settingFlags(stack, baseJson, currentJson));
  return flags;
}

/**
 * Changes to where a stack's credentials go, which no resource change shows: a provider's settings
 * (the Vault address that receives `VAULT_TOKEN`, the AWS role assumed, endpoints) and the state
 * backend (where state, and what it holds, is written).
 */
export function settingFlags(stack: string, baseJson: StackJson, currentJson: StackJson): DangerFlag[] {
  const flags: DangerFlag[] = [];
  const providers = new Set([...Object.keys(baseJson.provider ?? {}), ...Object.keys(currentJson.provider ?? {})]);
  for (const name of [...providers].sort()) {
    if (JSON.stringify(baseJson.provider?.[name]) !== JSON.stringify(currentJson.provider?.[name])) {
      const what = name === "vault" ? "its address receives VAULT_TOKEN" : "it decides which account and role the stack acts as";
      flags.push({ stack, address: `provider.${name}`, reason: `changes the ${name} provider's settings (${what})` });
    }
  }
  if (JSON.stringify(baseJson.terraform?.backend) !== JSON.stringify(currentJson.terraform?.backend)) {
    flags.push({ stack, address: "terraform.backend", reason: "changes the state backend (where this stack's state is read and written)" });
  }
  return flags;
}

/** Whether a resource's configuration, or any resource or data it refers to, differs between the two synths. */
function configChanged(change: PlannedChange, baseJson: StackJson, currentJson: StackJson): boolean {
  const seen = new Set<string>();
  const changed = (type: string, name: string): boolean => {
    const key = `${type}.${name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    const before = baseJson.resource?.[type]?.[name];
    const after = currentJson.resource?.[type]?.[name];
    if (before === undefined || after === undefined || JSON.stringify(before) !== JSON.stringify(after)) return true;
    const text = JSON.stringify(after);
    // Data sources (another stack's outputs) may change with their stack: count them as changed.
    // A reference is `${…}` not preceded by another `$`: `$${…}` is config text made literal.
    if (/(?<!\$)\$\{data\./.test(text)) return true;
    return [...text.matchAll(/(?<!\$)\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\./g)].some(([, t, n]) => changed(t, n));
  };
  return changed(change.type, change.name);
}

/** `summary.md`: what a reviewer reads in the pull request, danger first. */
export function summaryMarkdown(summary: PlanSummary): string {
  const { changes } = summary;
  const stacks = Object.values(summary.stacks);
  const out: string[] = [];
  const shard = summary.shard ? ` (shard ${summary.shard})` : "";
  out.push(`## vault-aws plan against ${markdownCode(summary.base)}${markdownText(shard)}`);
  out.push(
    `${changes.create.length} stacks to create, ${changes.update.length} to update, ${changes.destroy.length} to destroy, ${changes.unchanged} unchanged; ` +
      `${stacks.length} planned here, in ${summary.waves.filter((w) => w.stacks.length > 0).length} waves.`,
  );
  out.push(summary.danger.length > 0 ? `### ⚠️ ${summary.danger.length} danger flags` : "### No danger flags");
  if (summary.danger.length > 0)
    out.push(
      list(
        summary.danger.map((d) => `**${markdownText(d.stack)}** ${markdownCode(d.address)}: ${d.reason}`),
        "danger flags",
      ),
    );
  out.push("### Access", ...accessChangesMarkdown(summary.accessKnown ? changes.access : undefined));
  out.push("### Stacks");
  const rows = stacks.map((s) => [
    markdownText(s.stack),
    s.predicted,
    ...[s.add, s.change, s.destroy, s.replace].map(String),
    `${markdownCode(s.planText)} ${kilobytes(s.planTextBytes)}`,
  ]);
  out.push(foldedTable(["stack", "change", "add", "change", "destroy", "of which replace", "plan text"], rows, "stacks", [2, 3, 4, 5]));
  out.push(
    `Waves: ${summary.waves.map((w, i) => `${i + 1}. ${w.action} ${w.stacks.length}`).join("; ") || "none"}. Unchanged stacks: ${changes.unchanged}.`,
  );
  return `${out.join("\n\n")}\n`;
}

/** A size as a reader takes it in: `812 B`, `3.1 KB`. */
function kilobytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}
