import { join } from "node:path";
import { cycles, figures, importGraph, violations } from "../scripts/import-graph";

const ROOT = join(__dirname, "..");

describe("the layering of ARCHITECTURE.md", () => {
  const graph = importGraph(ROOT);

  test("no import runs up a layer or sideways into a sibling room", () => {
    expect(violations(graph)).toEqual([]);
  });

  test("no import cycle between files, type-only imports included", () => {
    expect(cycles(graph)).toEqual([]);
  });

  test("the graph is read from the sources (the check can fail)", () => {
    expect(graph.get("cli/program.ts")).toEqual(expect.arrayContaining(["cli/commands/synth.ts", "cli/context.ts"]));
    expect(graph.get("lib/config/references.ts")).toContain("lib/config/schema.ts");
    expect(graph.get("lib/config/schema.ts")).not.toContain("lib/config/references.ts");
    // A type-only import counts; a sibling and an upward import are caught.
    const bad = new Map([
      ["lib/a.ts", ["lib/b.ts"]],
      ["lib/b.ts", ["lib/a.ts"]],
      ["pipeline/x.ts", ["sandbox/y.ts"]],
      ["run/z.ts", ["cli/program.ts"]],
      ["newroom/w.ts", ["lib/a.ts"]],
    ]);
    expect(cycles(bad)).toEqual([["lib/a.ts", "lib/b.ts"]]);
    expect(violations(bad).map((v) => v.why)).toEqual([
      "pipeline imports sandbox, a sibling on the same layer",
      "run (layer 1) imports cli, a layer above it",
      "room newroom has no place in the layering (scripts/import-graph.ts, ARCHITECTURE.md)",
    ]);
    expect(figures(ROOT)[0]).toMatch(/^\d+ files in \d+ rooms/);
  });
});
