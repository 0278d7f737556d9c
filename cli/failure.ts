import { QuotaError } from "../lib/model";

/**
 * What the user reads when a command ends with `error`: the message alone, which names the file,
 * the field, the problem and the fix, never a stack trace. A config that is valid but does not fit
 * the AWS quotas says so, naming the file.
 */
export function failureMessage(error: unknown, configFile?: string): string {
  if (error instanceof QuotaError) return `${configFile ?? "the accounts file"} cannot be deployed within AWS quotas: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
