/** A JSON object as parsed: its fields by name, each `unknown` until the reader checks it. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** Whether a parsed JSON value is an object (not `null`, not an array), so its fields can be read. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
