import { randomBytes } from "node:crypto";
import { closeSync, existsSync, fsyncSync, openSync, realpathSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Writes a file whole or not at all: a temporary file in the same folder, flushed to disk, then
 * renamed over the target, so a reader (or a crash) sees either the old file or the new one. An
 * existing file keeps its permissions (a new one gets `mode`); a symbolic link keeps pointing where
 * it did, and its target is replaced.
 */
export function writeFileAtomic(file: string, text: string, mode = 0o644): void {
  const target = existsSync(file) ? realpathSync(file) : file;
  const keep = existsSync(target) ? statSync(target).mode & 0o7777 : mode;
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString("hex")}.tmp`);
  const fd = openSync(temp, "wx", keep);
  try {
    try {
      const bytes = Buffer.from(text, "utf8");
      for (let written = 0; written < bytes.length;) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
