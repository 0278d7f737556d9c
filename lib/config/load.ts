import { readFileSync, statSync } from "node:fs";
import { Document, isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import { isJsonObject } from "../json";
import { terminalText } from "../output-text";
import { type FieldPath, formatPath } from "./path";
import { configSchema } from "./config-schema";
import { type AccountsConfig, UNQUOTED_ID_EXAMPLE, unquotedIdMessage } from "./schema";

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

/**
 * The largest accounts file read, in bytes: 4 MiB. The broker's quotas cap an estate near 10,000
 * roles (100 policies of 6,144 characters of role ARNs); written out in full, a role a few lines,
 * that is 1.7 MB (1,000 accounts of 2 roles: 336 KiB), so the cap leaves twice that. Validating a
 * file at the cap took 11 s and 360 MB on a shared 2-core machine (24,000 roles, 4.1 MB); a 20 MB
 * file took 1 GB, and nothing stopped larger ones.
 */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/**
 * How many times aliases may be expanded, relative to the document's size, before it is taken for
 * an alias bomb (`yaml`'s own measure and default; a few anchors shared by many roles stay far below).
 */
const MAX_ALIAS_COUNT = 100;

/** Keys that would reach an object's prototype rather than a field of it. */
const PROTOTYPE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Reads and validates an accounts file. Throws `ConfigError` on any problem. */
export function loadConfig(file: string): AccountsConfig {
  return parseConfig(readConfigText(file), file);
}

/** The text of an accounts file. Throws `ConfigError` when it cannot be read. */
export function readConfigText(file: string): string {
  try {
    const { size } = statSync(file);
    if (size > MAX_CONFIG_BYTES) throw new ConfigError(file, [tooLarge(file, size)]);
    return readFileSync(file, "utf8");
  } catch (error) {
    if (error instanceof ConfigError) throw error;
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
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_CONFIG_BYTES) throw new ConfigError(file, [tooLarge(file, bytes)]);
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
    throw new ConfigError(file, [
      `${at(first.pos[0])}: not valid YAML: ${first.message.split("\n")[0]}${hint}\n${codeFrame(text, lines.linePos(first.pos[0]))}`,
    ]);
  }
  const prototypeKeys = prototypeKeysOf(doc);
  if (prototypeKeys.length > 0) {
    throw new ConfigError(
      file,
      prototypeKeys.map(
        ({ path, key, offset }) =>
          `${at(offset)}: ${path.length > 0 ? formatPath(path) : "(top level)"}: the key "${key}" is not allowed: it names part of how the program stores data, not a field; rename it`,
      ),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // yaml throws a ReferenceError for an alias bomb (and for an alias to an anchor defined after it).
    if (!(error instanceof ReferenceError)) throw error;
    throw new ConfigError(file, [
      `${file}: not valid YAML: ${error.message}; an anchor (&name) may be reused with *name, but not expanded into an exponentially large document`,
    ]);
  }
  const result = configSchema.safeParse(data ?? {});
  if (result.success) {
    return result.data;
  }
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? namedPath(issue.path, data) : "(top level)";
    const key = issue.code === "unrecognized_keys" ? issue.keys[0] : undefined;
    const offset = offsetOf(doc, issue.path, key);
    return { offset: offset ?? Number.MAX_SAFE_INTEGER, text: `${at(offset)}: ${field}: ${withOwnId(issue.message, doc, issue.path)}` };
  });
  // In the order of the file, top to bottom (a stable sort keeps same-place problems in order).
  throw new ConfigError(
    file,
    problems.sort((a, b) => a.offset - b.offset).map((p) => p.text),
  );
}

/** The message for a file over `MAX_CONFIG_BYTES`. */
function tooLarge(file: string, bytes: number): string {
  return `${file}: is ${(bytes / 1024 / 1024).toFixed(1)} MiB, over the ${MAX_CONFIG_BYTES / 1024 / 1024} MiB an accounts file may be: the largest estate the broker's quotas allow, 10,000 roles written out in full, takes under 2 MiB; use roleSets for roles that repeat`;
}

/** Every mapping key of the document that is one of `PROTOTYPE_KEYS`, with its field path and where it is written. */
function prototypeKeysOf(doc: Document): { path: (string | number)[]; key: string; offset: number | undefined }[] {
  const found: { path: (string | number)[]; key: string; offset: number | undefined }[] = [];
  const walk = (node: unknown, path: (string | number)[]) => {
    if (isAlias(node)) return; // its anchor is walked where it is defined
    if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...path, i]));
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key !== undefined && PROTOTYPE_KEYS.has(key))
          found.push({ path, key, offset: (pair.key as { range?: [number, number, number] }).range?.[0] });
        walk(pair.value, key === undefined ? path : [...path, key]);
      }
    }
  };
  walk(doc.contents, []);
  return found;
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
const INDENTATION_HINT =
  "check the indentation: the keys of one mapping, and the '-' items of one list, must start at the same column, with spaces, not tabs";

/** The line before and the line of a position, numbered, with a caret under the column. */
function codeFrame(text: string, { line, col }: { line: number; col: number }): string {
  const all = text.split("\n");
  const shown = [line - 1, line].filter((n) => n >= 1 && n <= all.length);
  const width = String(line).length;
  const rows = shown.map((n) => `    ${String(n).padStart(width)} | ${all[n - 1]}`);
  return [...rows, `    ${" ".repeat(width)} | ${" ".repeat(Math.max(0, col - 1))}^`].join("\n");
}

/** A field path with the account's name after its index, `accounts[4] (qa).roles[0]`, where it has one. */
function namedPath(path: FieldPath, data: unknown): string {
  const text = formatPath(path);
  const accounts = isJsonObject(data) ? data.accounts : undefined;
  const account: unknown = path[0] === "accounts" && typeof path[1] === "number" && Array.isArray(accounts) ? accounts[path[1]] : undefined;
  const name = isJsonObject(account) ? account.name : undefined;
  if (typeof name !== "string" || name === "") return text;
  const head = formatPath(path.slice(0, 2));
  return `${head} (${terminalText(name)})${text.slice(head.length)}`;
}

/** The unquoted-id hint with the id as the user wrote it (leading zeros included), not an example, and the reason it gives. */
function withOwnId(message: string, doc: Document, path: FieldPath): string {
  if (!message.includes(UNQUOTED_ID_EXAMPLE)) return message;
  const node = doc.getIn(path as unknown[], true);
  return isScalar(node) && typeof node.value === "number" && node.source ? unquotedIdMessage(node.value, node.source) : message;
}
