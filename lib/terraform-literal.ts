/**
 * The one boundary where text from the config becomes Terraform input.
 *
 * Terraform reads every string of its JSON syntax as a template: `${…}` is an interpolation and
 * `%{…}` a directive, so a config string holding them would be evaluated, not stored. IAM policy
 * variables (`${aws:username}`) would fail `terraform validate`, and a config-only change could
 * read any value in the state (`${nonsensitive(aws_iam_access_key.….secret)}`) into a resource.
 * Doubling the opener (`$${`, `%%{`) is Terraform's escape: the provider receives the text as written.
 * See https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences
 */
import { mapStrings } from "./output-text";

/** A string Terraform reads back literally: `${` becomes `$${` and `%{` becomes `%%{`. */
export function terraformLiteral(text: string): string {
  // A replacer function, not a replacement string: in one, `$$` would mean a single `$`.
  return text.replace(/([$%])\{/g, (opener: string) => `${opener[0]}${opener}`);
}

/**
 * Plain data (strings, numbers, booleans, arrays, plain objects) with every string and every object
 * key passed through `terraformLiteral`. Used once, on the model the stacks are built from, so that
 * no field of it, present or future, reaches Terraform as a template.
 */
export function terraformLiterals<T>(value: T): T {
  return mapStrings(value, terraformLiteral);
}
