import { z } from "zod";
import { configSchema } from "./config-schema";

/**
 * The JSON Schema of `accounts.yaml` as written (durations as text), for editors. Cross-field
 * rules (uniqueness, references, TTL order) are beyond JSON Schema and are checked only by the program.
 */
export function accountsJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }),
    title: "vault-aws-multi-account accounts file",
  };
}
