import { isDeepStrictEqual } from "node:util";
import { isMap, isPair, isScalar, isSeq, type Node, parse, parseDocument, stringify } from "yaml";

/**
 * Edits of `accounts.yaml` as a careful person makes them: the `yaml` library's document API finds
 * where things are and how they are written, and the new text is inserted there, so every byte the
 * edit does not add (comments, blank lines, alignment, quoting, key order) stays as it was. A
 * re-dump of the document would keep comments but not the rest.
 */

/** One insertion into a file's text. */
export interface TextEdit {
  readonly offset: number;
  readonly text: string;
}

/** A new entry of `accounts:`. Empty lists are left out of the text. */
export interface AccountEntry {
  readonly name: string;
  readonly id: string;
  readonly tags: readonly string[];
  readonly roleSets: readonly string[];
}

/** An accounts file written in a way an edit cannot follow without rewriting it. */
export class ConfigEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigEditError";
  }
}

/** `text` with the edits made, each at its offset in the original text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  // From the end backwards, so that each offset still points into the original text.
  const ordered = edits.map((edit, i) => ({ edit, i })).sort((a, b) => b.edit.offset - a.edit.offset || b.i - a.i);
  return ordered.reduce((result, { edit }) => result.slice(0, edit.offset) + edit.text + result.slice(edit.offset), text);
}

/**
 * The edit that appends `entries` at the end of the `accounts:` list, after the last entry's last
 * line (so comments and blank lines that follow it stay after it). Entries follow the last entry's
 * style: one-line flow maps (`- { name: x, id: "…" }`, with `id:` aligned as there) or block maps
 * at the same indentation, separated by a blank line where the last two entries are.
 */
export function appendAccounts(text: string, entries: readonly AccountEntry[], file = "accounts.yaml"): TextEdit {
  const doc = parseDocument(text, { keepSourceTokens: true });
  const seq = doc.get("accounts", true);
  if (!isSeq(seq) || seq.items.length === 0 || !seq.range)
    throw new ConfigEditError(`${file}: accounts: expected a list with at least one entry to append to`);
  if (seq.flow)
    throw new ConfigEditError(
      `${at(text, seq.range[0], file)}: accounts: is a flow list ([...]); new entries are appended to a block list (one "- " item per entry): write accounts: that way first`,
    );
  const items = seq.items as Node[];
  const last = items[items.length - 1];
  const nl = newline(text);
  const prefix = itemPrefix(text, last);
  const blank = items.length >= 2 && separatedByBlankLine(text, items[items.length - 2], last) ? nl : "";
  const lines =
    isMap(last) && last.flow ? entries.map((e) => flowEntry(text, last, prefix, e)) : entries.map((e) => blockEntry(last, prefix, e, nl));
  const offset = lineEndAfter(text, contentEnd(last));
  const lead = offset === text.length && !text.endsWith("\n") ? nl : "";
  return { offset, text: lead + lines.map((line) => blank + line + nl).join("") };
}

/**
 * The edit that adds `organizationId: <id>` as the last key of `broker:`, on a line of its own in a
 * block map, or after the last pair of a flow map (`broker: { account: primary, organizationId: o-… }`).
 */
export function setOrganizationId(text: string, organizationId: string, file = "accounts.yaml"): TextEdit {
  const doc = parseDocument(text, { keepSourceTokens: true });
  const broker = doc.get("broker", true);
  if (!isMap(broker) || broker.items.length === 0 || !broker.range)
    throw new ConfigEditError(`${file}: broker: expected a mapping with at least account:`);
  const pair = broker.items[broker.items.length - 1];
  if (broker.flow) {
    const end = Math.max(contentEnd(pair.key), contentEnd(pair.value));
    return { offset: end, text: `, organizationId: ${scalar(organizationId)}` };
  }
  const indent = " ".repeat(column(text, (broker.items[0].key as Node).range![0]));
  const offset = lineEndAfter(text, contentEnd(broker));
  const lead = offset === text.length && !text.endsWith("\n") ? newline(text) : "";
  return { offset, text: `${lead}${indent}organizationId: ${scalar(organizationId)}${newline(text)}` };
}

/**
 * The text with `entries` appended to `accounts:` and, if given, `broker.organizationId` set. Checks that the new text reads back as exactly the old data plus the new
 * data, so a layout the edit misjudged is an error rather than a wrong file.
 */
export function editAccountsFile(
  text: string,
  change: { readonly entries: readonly AccountEntry[]; readonly organizationId?: string },
  file = "accounts.yaml",
): string {
  const edits: TextEdit[] = [];
  if (change.entries.length > 0) edits.push(appendAccounts(text, change.entries, file));
  if (change.organizationId !== undefined) edits.push(setOrganizationId(text, change.organizationId, file));
  const result = applyEdits(text, edits);
  const expected = parse(text) as { accounts: unknown[]; broker: Record<string, unknown> };
  expected.accounts.push(...change.entries.map(entryData));
  if (change.organizationId !== undefined) expected.broker.organizationId = change.organizationId;
  if (!isDeepStrictEqual(parse(result), expected)) {
    throw new ConfigEditError(
      `${file}: the edit did not read back as the accounts it adds (an unusual layout near the end of accounts: or broker:?); nothing was written. The entries to add by hand:\n${change.entries.map((e) => `  - ${flowText(e, "{ ", " }")}`).join("\n")}`,
    );
  }
  return result;
}

/** The data an entry stands for, as the file will read back. */
function entryData(entry: AccountEntry): Record<string, unknown> {
  return {
    name: entry.name,
    id: entry.id,
    ...(entry.tags.length > 0 ? { tags: [...entry.tags] } : {}),
    ...(entry.roleSets.length > 0 ? { roleSets: [...entry.roleSets] } : {}),
  };
}

/** A string as a YAML scalar: plain where it reads back as the same string, quoted where not (`"123"`, `"null"`). */
function scalar(value: string): string {
  return stringify(value).trimEnd();
}

/** The account id, quoted as the last entry quotes its own. */
function quotedId(last: Node, id: string): string {
  const node = isMap(last) ? last.get("id", true) : undefined;
  return isScalar(node) && node.type === "QUOTE_SINGLE" ? `'${id}'` : JSON.stringify(id);
}

function flowList(values: readonly string[]): string {
  return `[${values.map(scalar).join(", ")}]`;
}

/** `name: x, id: "…", tags: [...], roleSets: [...]` between `open` and `close`. */
function flowText(entry: AccountEntry, open: string, close: string, id = JSON.stringify(entry.id), pad = 0): string {
  const head = `${open}name: ${scalar(entry.name)},`;
  const parts = [`${head}${" ".repeat(Math.max(1, pad - head.length))}id: ${id}`];
  if (entry.tags.length > 0) parts.push(`tags: ${flowList(entry.tags)}`);
  if (entry.roleSets.length > 0) parts.push(`roleSets: ${flowList(entry.roleSets)}`);
  return parts.join(", ") + close;
}

/** A one-line flow entry, padded so that `id:` starts in the column where the last entry has it. */
function flowEntry(text: string, last: Node, prefix: string, entry: AccountEntry): string {
  const start = last.range![0];
  const padded = text[start + 1] === " ";
  const idKey = isMap(last) ? last.items.find((p) => isScalar(p.key) && p.key.value === "id")?.key : undefined;
  const idStart = isScalar(idKey) && idKey.range && !text.slice(start, idKey.range[0]).includes("\n") ? idKey.range[0] - start : 0;
  return prefix + flowText(entry, padded ? "{ " : "{", padded ? " }" : "}", quotedId(last, entry.id), idStart);
}

/** A block entry: `- name: x` then its other keys at the column of the last entry's keys. */
function blockEntry(last: Node, prefix: string, entry: AccountEntry, nl: string): string {
  const indent = " ".repeat(prefix.length);
  const lines = [`${prefix}name: ${scalar(entry.name)}`, `${indent}id: ${quotedId(last, entry.id)}`];
  if (entry.tags.length > 0) lines.push(`${indent}tags: ${flowList(entry.tags)}`);
  if (entry.roleSets.length > 0) lines.push(`${indent}roleSets: ${flowList(entry.roleSets)}`);
  return lines.join(nl);
}

/**
 * What comes before an entry on its line, `  - `: taken from the last entry when its first key is on
 * the dash's line, else its dash's column followed by `- `.
 */
function itemPrefix(text: string, item: Node): string {
  const start = item.range![0];
  const before = text.slice(lineStart(text, start), start);
  if (/^ *- +$/.test(before)) return before;
  const dash = text.lastIndexOf("-", start);
  return `${" ".repeat(column(text, dash))}- `;
}

/** Whether a blank line stands between two consecutive entries. */
function separatedByBlankLine(text: string, previous: Node, next: Node): boolean {
  const between = text.slice(lineEndAfter(text, contentEnd(previous)), lineStart(text, next.range![0]));
  return between.split(/\r?\n/).some((line, i, all) => i < all.length - 1 && line.trim() === "");
}

/** Where a node's own content ends: its last scalar or flow collection, not the blank lines and comments after it. */
function contentEnd(node: unknown): number {
  if ((isMap(node) || isSeq(node)) && !node.flow && node.items.length > 0) {
    const last = node.items[node.items.length - 1];
    return isPair(last) ? Math.max(contentEnd(last.key), contentEnd(last.value)) : contentEnd(last);
  }
  return (node as Node | null)?.range?.[1] ?? 0;
}

/** The offset after the end of the line `offset` is on (a comment on that line included). */
function lineEndAfter(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === "\n") return offset;
  const nl = text.indexOf("\n", offset);
  return nl === -1 ? text.length : nl + 1;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

function column(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/** The file's own line ending. */
function newline(text: string): string {
  return text.includes("\r\n") ? "\r\n" : "\n";
}

/** `file:line:col` of an offset, as the loader's messages give it. */
function at(text: string, offset: number, file: string): string {
  const line = text.slice(0, offset).split("\n").length;
  return `${file}:${line}:${column(text, offset) + 1}`;
}
