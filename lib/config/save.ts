import { readFileSync, realpathSync } from "node:fs";
import { writeFileAtomic } from "../atomic-write";
import { parseConfig } from "./load";

/** The accounts file changed between the read a command made its edit from and the write. */
export class ConfigChangedError extends Error {
  constructor(readonly file: string) {
    super(`${file} changed since it was read; nothing was written: run the command again`);
    this.name = "ConfigChangedError";
  }
}

/**
 * Writes a new text of an accounts file, checked and whole or not at all.
 *
 * The text is validated first with the schema synth uses (`parseConfig`, which throws `ConfigError`
 * naming each problem): an invalid text is never written. It is then written to a temporary file in
 * the same folder, flushed to disk, and renamed over the file, so a reader (or a crash) sees either
 * the old file or the new one, never half of one. The file keeps its permissions; a symbolic link
 * keeps pointing where it did, and its target is replaced.
 *
 * With `readAs`, the text the new one was made from, a file that someone changed in the meantime
 * (an editor, while the command waited on AWS) is left alone: the error says to run again.
 */
export function saveConfig(file: string, text: string, readAs?: string): void {
  parseConfig(text, file);
  const target = realpathSync(file);
  if (readAs !== undefined && readFileSync(target, "utf8") !== readAs) {
    throw new ConfigChangedError(file);
  }
  writeFileAtomic(target, text);
}
