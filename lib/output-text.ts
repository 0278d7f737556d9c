/**
 * The boundaries where text from the config (or from a file a past run wrote) leaves the program for
 * a reader: one function per target, each tested with hostile strings. The config schema already
 * refuses control characters; these hold even for text that never passed through it (a base
 * branch's `access.json`, an older config).
 *
 * - terminal: `terminalText` (every string of a report, through `mapStrings`)
 * - markdown: `markdownText` for prose and table cells, `markdownCode` for code spans
 * - JSON: `jsonText`
 * - HTML and SVG: `escapeXml` (report/svg.ts), and `scriptJson` (report/html-data.ts) inside `<script>`
 * - Terraform JSON: `terraformLiteral` (lib/terraform-literal.ts)
 * - a command line the AWS CLI splits (`credential_process`): `shellWord`
 * - an INI value of the AWS config file: `iniValue`
 */

/**
 * Characters a terminal or a renderer acts on rather than shows: C0 controls (escape sequences
 * start with ESC, U+001B), DEL, C1 controls (U+009B is a one-byte CSI), and the invisible
 * formatting characters that reorder or hide text (bidirectional overrides, zero-width characters,
 * line and paragraph separators, the byte order mark).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** `\n`, `\t`, `\x1b`, `\u202e`: a control character as visible text. */
function visible(c: string): string {
  if (c === "\n") return "\\n";
  if (c === "\t") return "\\t";
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** Text for a terminal: every control character shown as an escape (`\x1b`), so none can act. */
export function terminalText(text: string): string {
  return text.replace(CONTROL_CHARACTERS, visible);
}

/**
 * Text for markdown prose or a table cell: control characters and line breaks shown as escapes
 * (so no text can start a line of its own), then backslash escapes for what markdown or HTML could
 * read as structure: `\`, `` ` ``, `*`, `_`, `[`, `]`, `<`, `>`, `&`, `#`, `~`, `!` anywhere
 * (`<!--` would hide the rest of a comment), and a leading `-`, `+`, `=` or `1.` that would start a
 * list or heading. Names and ARNs, which hold none of these, read as written. `|` is left to the
 * table's cell escaping, which every cell gets.
 */
export function markdownText(text: string): string {
  return terminalText(text)
    .replace(/[\\`*_[\]<>&#~!]/g, (c) => `\\${c}`)
    .replace(/^([-+=]|\d+(?=[.)]))/, (lead) => (/^\d/.test(lead) ? `${lead}\\` : `\\${lead}`));
}

/**
 * Text as a markdown code span: shown verbatim, so nothing is escaped inside; the fence is one
 * backtick longer than any run of backticks in the text, and control characters show as escapes.
 */
export function markdownCode(text: string): string {
  const shown = terminalText(text);
  const longest = Math.max(0, ...(shown.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = shown.startsWith("`") || shown.endsWith("`") ? " " : "";
  return `${fence}${pad}${shown}${pad}${fence}`;
}

/**
 * JSON for a file or a terminal: `JSON.stringify`, plus `\u` escapes for the characters it leaves
 * raw (DEL, C1 controls, invisible formatting characters), so the text holds no control character
 * and parses back to the same value.
 */
export function jsonText(value: unknown, indent?: number): string {
  // JSON.stringify escapes every C0 control inside strings; the line breaks left are its indentation.
  // eslint-disable-next-line no-control-regex -- a range that starts at U+0000 on purpose
  return JSON.stringify(value, null, indent).replace(/[^\u0000-\u007e\u00a0-\u200a]/g, (c) =>
    c.match(CONTROL_CHARACTERS) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}` : c,
  );
}

/** Plain data with `fn` applied to every string and every object key; other values as they are. */
export function mapStrings<T>(value: T, fn: (text: string) => string): T {
  if (typeof value === "string") return fn(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => mapStrings(item, fn)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [fn(key), mapStrings(item, fn)])) as T;
  }
  return value;
}

/** Characters a POSIX shell word may hold unquoted. */
const SHELL_SAFE = /^[A-Za-z0-9_./:=@,+%-]+$/;

/** Whether `text` holds a character of `CONTROL_CHARACTERS` (the regular expression is global, so `test` alone would keep state). */
function hasControl(text: string): boolean {
  return text.match(CONTROL_CHARACTERS) !== null;
}

/**
 * One argument of a command line that the AWS CLI and SDKs split the POSIX way (botocore's
 * `shlex.split` of `credential_process`): unquoted when plainly safe, else in single quotes.
 * Refused, not altered, when it holds a control character.
 */
export function shellWord(word: string): string {
  if (hasControl(word)) throw new Error(`${jsonText(word)} holds a control character: it cannot go into a command line`);
  return SHELL_SAFE.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * A value of an INI file such as `~/.aws/config`: one line, so that it cannot add a section or a
 * key. Refused, not altered, when it holds a line break or another control character.
 */
export function iniValue(value: string): string {
  if (hasControl(value))
    throw new Error(`${jsonText(value)} holds a line break or control character: it cannot be written to an AWS config file`);
  return value;
}
