import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../lib/config/load";
import { saveConfig } from "../../lib/config/save";

// The module object itself, whose functions jest can replace (an `import * as` namespace is frozen).
const fs: typeof import("node:fs") = require("node:fs");

const before = 'broker:\n  account: a\naccounts:\n  - name: a\n    id: "111111111111"\n';
const after = `${before}  - name: b\n    id: "222222222222"\n`;

function fileWith(text: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), "vama-save-"));
  const file = join(dir, "accounts.yaml");
  writeFileSync(file, text);
  return { dir, file };
}

afterEach(() => jest.restoreAllMocks());

describe("saveConfig", () => {
  test("writes the new text, leaves no temporary file, and keeps the file's permissions", () => {
    const { dir, file } = fileWith(before);
    chmodSync(file, 0o640);
    saveConfig(file, after);
    expect(readFileSync(file, "utf8")).toBe(after);
    expect(readdirSync(dir)).toEqual(["accounts.yaml"]);
    expect(statSync(file).mode & 0o777).toBe(0o640);
  });

  test("writes a temporary file beside it, whole and flushed, then renames it over the file", () => {
    const { dir, file } = fileWith(before);
    const seen: { from: string; to: string; fromText: string; toText: string }[] = [];
    const rename = fs.renameSync;
    const fsync = jest.spyOn(fs, "fsyncSync");
    jest.spyOn(fs, "renameSync").mockImplementation((from, to) => {
      seen.push({ from: String(from), to: String(to), fromText: readFileSync(from, "utf8"), toText: readFileSync(to, "utf8") });
      expect(fsync).toHaveBeenCalledTimes(1);
      rename(from, to);
    });
    saveConfig(file, after);
    expect(seen).toHaveLength(1);
    expect(seen[0].to).toBe(file);
    expect(seen[0].from.startsWith(join(dir, ".accounts.yaml."))).toBe(true);
    // At the moment of the rename the file is still the old one and the temporary file the whole new one.
    expect(seen[0].toText).toBe(before);
    expect(seen[0].fromText).toBe(after);
  });

  test("a failure while writing leaves the file as it was and no temporary file", () => {
    const { dir, file } = fileWith(before);
    jest.spyOn(fs, "writeSync").mockImplementationOnce(() => {
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    });
    expect(() => saveConfig(file, after)).toThrow("ENOSPC: no space left on device, write");
    expect(readFileSync(file, "utf8")).toBe(before);
    expect(readdirSync(dir)).toEqual(["accounts.yaml"]);
  });

  test("an invalid text is not written, and the error says why", () => {
    const { dir, file } = fileWith(before);
    const invalid = `${before}  - name: Bad_Name\n    id: "222222222222"\n`;
    let error: unknown;
    try {
      saveConfig(file, invalid);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      `${file}:6:11: accounts[1] (Bad_Name).name: "Bad_Name" is not allowed: use lowercase letters, digits and inner hyphens`,
    ]);
    expect(readFileSync(file, "utf8")).toBe(before);
    expect(readdirSync(dir)).toEqual(["accounts.yaml"]);
  });

  test("a file changed since the new text was made from it is left alone", () => {
    const { dir, file } = fileWith(before);
    writeFileSync(file, `${before}# edited meanwhile\n`);
    expect(() => saveConfig(file, after, before)).toThrow(
      new Error(`${file} changed since it was read; nothing was written: run the command again`),
    );
    expect(readFileSync(file, "utf8")).toBe(`${before}# edited meanwhile\n`);
    expect(readdirSync(dir)).toEqual(["accounts.yaml"]);
    saveConfig(file, after, `${before}# edited meanwhile\n`);
    expect(readFileSync(file, "utf8")).toBe(after);
  });

  test("through a symbolic link, the target is replaced and the link kept", () => {
    const { dir, file } = fileWith(before);
    const link = join(dir, "link.yaml");
    symlinkSync(file, link);
    saveConfig(link, after);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(file, "utf8")).toBe(after);
  });
});
