import { PLAN_ROLE_NAME } from "../lib/policy/pipeline";
import type { StackJson } from "../run/terraform-json";

/**
 * A synthesized stack as the pipeline's plan identity plans it: each AWS provider assumes
 * `vault-aws-plan` in its account instead of the deployment role, so a pull request's plan can read
 * and change nothing. A provider reached by a named profile is left as it is. Pure: the JSON in,
 * a new JSON out.
 */
export function asPlanIdentity(stackJson: StackJson): StackJson {
  const copy = structuredClone(stackJson);
  for (const provider of copy.provider?.aws ?? []) {
    for (const assume of provider.assume_role ?? []) {
      assume.role_arn = String(assume.role_arn).replace(/^(arn:[^:]+:iam::\d{12}:role\/).*$/, `$1${PLAN_ROLE_NAME}`);
    }
  }
  return copy;
}

/** The file `vault-aws plan` leaves in its `--out` folder, so a later run empties only a folder it made. */
export const PLAN_FOLDER_MARKER = ".vault-aws-plan";
