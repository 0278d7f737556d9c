import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The JSON Terraform reads and prints, typed as far as this program reads it: a synthesized stack's
 * `cdk.tf.json` (Terraform's JSON configuration syntax, as cdktf writes it) and a saved plan as
 * `terraform show -json` prints it. Tools write both, not people, so they get their type where they
 * are parsed (here) rather than a check of every field; whatever the program does not interpret
 * stays `unknown`, and is checked where it is read.
 */

/** A block's arguments (a resource's, a provider's, a backend's) or a resource's attributes in a plan, by name. */
export type TerraformValues = Record<string, unknown>;

/** `resource.<type>.<name>`: blocks by type, then by name. */
export type BlocksByType = Record<string, Record<string, TerraformValues>>;

/** A `data.terraform_remote_state` block: another stack's state, read through the backend it names. */
export interface RemoteStateJson extends TerraformValues {
  backend?: unknown;
  config?: { path?: unknown; [argument: string]: unknown };
}

/** One `provider.aws` block: the role it assumes, if any (a provider reached by a named profile assumes none). */
export interface AwsProviderJson extends TerraformValues {
  assume_role?: { role_arn?: unknown; [argument: string]: unknown }[];
}

/**
 * A synthesized stack's `cdk.tf.json`: the blocks this program reads. Every block may be missing;
 * the others (`output`, `locals`, `variable`) are kept as they are. Mutable: a reader may rewrite
 * its own parsed copy (a state path, an assumed role) before writing it out again.
 */
export interface StackJson {
  terraform?: { backend?: Record<string, TerraformValues>; [setting: string]: unknown };
  /** Provider blocks by provider name; each name may carry several (aliases). */
  provider?: { aws?: AwsProviderJson[]; [name: string]: TerraformValues[] | undefined };
  resource?: BlocksByType;
  data?: { terraform_remote_state?: Record<string, RemoteStateJson>; [type: string]: Record<string, TerraformValues> | undefined };
  [block: string]: unknown;
}

/** Parses the text of a stack's `cdk.tf.json` (or of its canonical form). */
export function parseStackJson(text: string): StackJson {
  return JSON.parse(text) as StackJson;
}

/** Reads `<dir>/cdk.tf.json`, a synthesized stack's folder. */
export function readStackJson(dir: string): StackJson {
  return parseStackJson(readFileSync(join(dir, "cdk.tf.json"), "utf8"));
}

/** One resource change of a saved plan, as `terraform show -json` prints it: the fields this program reads. */
export interface ResourceChangeJson {
  readonly address: string;
  /** `data` for a data source read during the plan. */
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly change: {
    readonly actions: readonly string[];
    /** The attributes before and after; `null` before a create and after a delete. */
    readonly before: TerraformValues | null;
    readonly after: TerraformValues | null;
  };
}

/** A saved plan as `terraform show -json` prints it: the part this program reads. */
export interface TerraformPlanJson {
  /** Absent when the plan has none. */
  readonly resource_changes?: readonly ResourceChangeJson[];
}

/** Parses the output of `terraform show -json <plan>`. */
export function parsePlanJson(text: string): TerraformPlanJson {
  return JSON.parse(text) as TerraformPlanJson;
}
