/**
 * The boundary for foreign text (a config value, a Vault answer, a flag) on its way to a terminal,
 * an AWS config file or a shell-parsed command line. Minimal on purpose: the lead unifies these
 * with the report's escapes at merge.
 */

/** Control characters (C0, DEL, C1) that a terminal would act on: escape sequences, carriage returns. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Text safe to print on a terminal: every control character shown as `\uXXXX`, never acted on. */
export function terminalText(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Characters a POSIX shell word may hold unquoted. */
const SHELL_SAFE = /^[A-Za-z0-9_./:=@,+%-]+$/;

/**
 * One argument of a command line that the AWS CLI and SDKs split the POSIX way (botocore's
 * `shlex.split` of `credential_process`): unquoted when plainly safe, else in single quotes.
 */
export function shellWord(word: string): string {
  if (/[\u0000-\u001f\u007f-\u009f]/.test(word)) {
    throw new Error(`${JSON.stringify(word)} holds a control character: it cannot go into a command line`);
  }
  return SHELL_SAFE.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * A value of an INI file such as `~/.aws/config`: one line, so that it cannot add a section or a
 * key. Refused, not altered, when it holds a line break or another control character.
 */
export function iniValue(value: string): string {
  if (/[\u0000-\u001f\u007f]/.test(value))
    throw new Error(`${JSON.stringify(value)} holds a line break or control character: it cannot be written to an AWS config file`);
  return value;
}
