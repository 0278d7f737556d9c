/**
 * `npx ts-node scripts/import-graph.ts` (or through jest, `__tests__/architecture.test.ts`): the
 * import graph of the program's sources, in figures: rooms, arrows that run against the layering
 * of ARCHITECTURE.md, and circles (import cycles between files, type-only imports included).
 * The TypeScript compiler's own pre-processor finds the imports, so `import type`, re-exports and
 * `await import()` count as arrows like any other import.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import * as ts from "typescript";
import { repoRoot } from "../run/repo-root";

/**
 * The rooms, lowest first. A file may import files of its own room and of rooms ranked lower; an
 * import of a room ranked the same (a sibling) or higher is an arrow against the layering.
 * Root files are rooms of their own: `app.ts` and `synth.ts` compose the stacks; `main.ts` is the
 * cdktf entry point.
 */
export const RANKS: Readonly<Record<string, number>> = {
  lib: 0,
  stacks: 1,
  run: 1,
  report: 1,
  app: 2,
  pipeline: 3,
  sandbox: 3,
  cli: 4,
  main: 5,
  scripts: 5,
};

/** The room a source file (relative to the root, `/`-separated) belongs to. */
export function roomOf(file: string): string {
  const [first] = file.split("/");
  if (file === "app.ts" || file === "synth.ts") return "app";
  if (file === "main.ts") return "main";
  return first;
}

/** Folders and root files that hold the program's sources (tests and e2e are not rooms). */
const SOURCES = ["lib", "stacks", "run", "report", "pipeline", "sandbox", "cli", "scripts", "app.ts", "synth.ts", "main.ts"];

/** Every import between the program's own source files: `from` imports `to`, both relative to the root. */
export function importGraph(root: string): Map<string, string[]> {
  const files: string[] = [];
  const walk = (path: string) => {
    const full = join(root, path);
    if (statSync(full).isDirectory()) for (const entry of readdirSync(full)) walk(join(path, entry));
    else if (path.endsWith(".ts") && !path.endsWith(".d.ts")) files.push(path.split("\\").join("/"));
  };
  for (const source of SOURCES) {
    try {
      walk(source);
    } catch {
      // a room that does not exist (yet, or any more)
    }
  }
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const imports = ts.preProcessFile(readFileSync(join(root, file), "utf8"), true, true).importedFiles.map((f) => f.fileName);
    const targets = new Set<string>();
    for (const spec of imports.filter((s) => s.startsWith("."))) {
      const base = relative(root, resolve(root, dirname(file), spec))
        .split("\\")
        .join("/");
      const target = [`${base}.ts`, `${base}/index.ts`, base].find((candidate) => known.has(candidate));
      if (target) targets.add(target);
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}

/** An import against the layering: from a room to a sibling or a room above it. */
export interface Violation {
  readonly from: string;
  readonly to: string;
  readonly why: string;
}

/** The imports that run against `RANKS`; a room missing from `RANKS` is a violation too, so a new room must be placed. */
export function violations(graph: ReadonlyMap<string, readonly string[]>): Violation[] {
  const found: Violation[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const [a, b] = [roomOf(from), roomOf(to)];
      if (a === b) continue;
      if (RANKS[a] === undefined || RANKS[b] === undefined) {
        found.push({
          from,
          to,
          why: `room ${RANKS[a] === undefined ? a : b} has no place in the layering (scripts/import-graph.ts, ARCHITECTURE.md)`,
        });
      } else if (RANKS[b] > RANKS[a]) found.push({ from, to, why: `${a} (layer ${RANKS[a]}) imports ${b}, a layer above it` });
      else if (RANKS[b] === RANKS[a]) found.push({ from, to, why: `${a} imports ${b}, a sibling on the same layer` });
    }
  }
  return found;
}

/** The import cycles between files: each strongly connected component of more than one file, or a file importing itself. */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's algorithm.
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!indices.has(v)) visit(v);
  return found;
}

/** The figures: rooms, room-to-room arrows, arrows against the layering, and circles. */
export function figures(root: string): string[] {
  const graph = importGraph(root);
  const rooms = new Set([...graph.keys()].map(roomOf));
  const roomArrows = new Set<string>();
  for (const [from, targets] of graph)
    for (const to of targets) if (roomOf(from) !== roomOf(to)) roomArrows.add(`${roomOf(from)} -> ${roomOf(to)}`);
  const bad = violations(graph);
  const badRooms = new Set(bad.map((v) => `${roomOf(v.from)} -> ${roomOf(v.to)}`));
  const circles = cycles(graph);
  return [
    `${graph.size} files in ${rooms.size} rooms (${[...rooms].sort().join(", ")})`,
    `${roomArrows.size} arrows between rooms; ${badRooms.size} against the layering (${bad.length} imports)`,
    ...bad.map((v) => `  ${v.from} -> ${v.to}: ${v.why}`),
    `${circles.length} circles`,
    ...circles.map((c) => `  ${c.join(" <-> ")}`),
  ];
}

if (require.main === module) for (const line of figures(repoRoot())) console.log(line);
