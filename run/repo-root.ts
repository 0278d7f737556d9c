import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The repository root (the folder holding `cdktf.json`), whether this code runs compiled from
 * `dist/` or as TypeScript under jest.
 */
export function repoRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "cdktf.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no cdktf.json above ${from}`);
  }
}
