import { readFileSync } from "node:fs";
import { Document, isMap, isScalar, LineCounter, parseDocument } from "yaml";
import { type FieldPath, formatPath } from "./path";
import { configSchema } from "./config-schema";
import { type AccountsConfig, UNQUOTED_ID_EXAMPLE } from "./schema";

/** The config file read when `ACCOUNTS_FILE` is not set. */
export const DEFAULT_ACCOUNTS_FILE = "accounts.yaml";

/**
 * A config that cannot be used. `problems` holds one line per problem, each in the form
 * `file:line:column: field.path: what is wrong`, ready to print.
 */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file} is not a valid accounts file:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Reads and validates an accounts file. Throws `ConfigError` on any problem. */
export function loadConfig(file: string): AccountsConfig {
  return parseConfig(readConfigText(file), file);
}

/** The text of an accounts file. Throws `ConfigError` when it cannot be read. */
export function readConfigText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new ConfigError(file, [`${file}: cannot be read (${reason}); set ACCOUNTS_FILE to the accounts file to use`]);
  }
}

/** `file:line:col` of a field of an accounts file's text (of its parent where the field is missing), as the messages above give it. */
export function locationOf(text: string, file: string, path: FieldPath): string {
  const lines = new LineCounter();
  const offset = offsetOf(parseDocument(text, { lineCounter: lines }), path);
  if (offset === undefined) return file;
  const { line, col } = lines.linePos(offset);
  return `${file}:${line}:${col}`;
}

/** Validates the text of an accounts file; `file` is only used in messages. */
export function parseConfig(text: string, file: string): AccountsConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return file;
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    // One mistake often makes several errors further down (a mis-indented item is also "an item
    // without -"): the first is the one to fix.
    const [first] = [...doc.errors].sort((a, b) => a.pos[0] - b.pos[0]);
    const hint = INDENTATION_ERRORS.has(first.code) ? ` (${INDENTATION_HINT})` : "";
    throw new ConfigError(file, [`${at(first.pos[0])}: not valid YAML: ${first.message.split("\n")[0]}${hint}\n${codeFrame(text, lines.linePos(first.pos[0]))}`]);
  }
  const result = configSchema.safeParse(doc.toJS() ?? {});
  if (result.success) {
    return result.data;
  }
  const data = doc.toJS() as { accounts?: { name?: unknown }[] } | null;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? namedPath(issue.path, data) : "(top level)";
    const key = issue.code === "unrecognized_keys" ? issue.keys[0] : undefined;
    const offset = offsetOf(doc, issue.path, key);
    return { offset: offset ?? Number.MAX_SAFE_INTEGER, text: `${at(offset)}: ${field}: ${withOwnId(issue.message, doc, issue.path)}` };
  });
  // In the order of the file, top to bottom (a stable sort keeps same-place problems in order).
  throw new ConfigError(file, problems.sort((a, b) => a.offset - b.offset).map((p) => p.text));
}

/** Where a field is written in the file: its value, or the key itself for an unknown key. */
function offsetOf(doc: Document, path: FieldPath, unknownKey?: string): number | undefined {
  // Walk up to the nearest node that exists: a missing field is reported at its parent.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true) as { range?: [number, number, number] } | undefined;
    if (!node?.range) continue;
    if (unknownKey !== undefined && depth === path.length && isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown })?.value === unknownKey);
      const keyRange = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (keyRange) return keyRange[0];
    }
    return node.range[0];
  }
  return undefined;
}

/** The `yaml` library's error codes that mean the indentation is off. */
const INDENTATION_ERRORS = new Set(["BAD_INDENT", "MISSING_CHAR", "MULTILINE_IMPLICIT_KEY", "UNEXPECTED_TOKEN"]);
const INDENTATION_HINT = "check the indentation: the keys of one mapping, and the '-' items of one list, must start at the same column, with spaces, not tabs";

/** The line before and the line of a position, numbered, with a caret under the column. */
function codeFrame(text: string, { line, col }: { line: number; col: number }): string {
  const all = text.split("\n");
  const shown = [line - 1, line].filter((n) => n >= 1 && n <= all.length);
  const width = String(line).length;
  const rows = shown.map((n) => `    ${String(n).padStart(width)} | ${all[n - 1]}`);
  return [...rows, `    ${" ".repeat(width)} | ${" ".repeat(Math.max(0, col - 1))}^`].join("\n");
}

/** A field path with the account's name after its index, `accounts[4] (qa).roles[0]`, where it has one. */
function namedPath(path: FieldPath, data: { accounts?: { name?: unknown }[] } | null): string {
  const text = formatPath(path);
  const name = path[0] === "accounts" && typeof path[1] === "number" ? data?.accounts?.[path[1]]?.name : undefined;
  if (typeof name !== "string" || name === "") return text;
  const head = formatPath(path.slice(0, 2));
  return `${head} (${name})${text.slice(head.length)}`;
}

/** The unquoted-id hint with the id as the user wrote it (leading zeros included), not an example. */
function withOwnId(message: string, doc: Document, path: FieldPath): string {
  if (!message.includes(UNQUOTED_ID_EXAMPLE)) return message;
  const node = doc.getIn(path as unknown[], true);
  return isScalar(node) && node.source ? message.replace(UNQUOTED_ID_EXAMPLE, `id: "${node.source}"`) : message;
}
