/**
 * IAM policy documents as plain data. They are written into the synthesized Terraform as the exact
 * JSON AWS stores, so a reviewer reading a synth diff sees the policy itself.
 */

/** One condition block: operator → condition key → value(s). */
export type Conditions = Record<string, Record<string, string | string[]>>;

/** One statement of an IAM policy. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: { readonly AWS: string | string[] };
  readonly Action: string | string[];
  readonly Resource?: string | string[];
  readonly Condition?: Conditions;
}

/** An IAM policy document. */
export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

/** The JSON text AWS stores, with no whitespace. */
export function policyJson(doc: PolicyDocument): string {
  return JSON.stringify(doc);
}

/** A policy's size as IAM counts it against its quotas: characters, whitespace excluded. */
export function policySize(doc: PolicyDocument): number {
  return policyJson(doc).replace(/\s/g, "").length;
}
