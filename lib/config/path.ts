/** A field's location in the config, as a list of keys and indexes. */
export type FieldPath = readonly PropertyKey[];

/** Writes a field path the way a reader looks for it: `accounts[2].roles[0].name`. */
export function formatPath(path: FieldPath): string {
  return path.map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`)).join("");
}
