import { join } from "node:path";
import { readManifest } from "./synth-output";

/** A synthesized stack, as `manifest.json` describes it. */
export interface SynthesizedStack {
  readonly name: string;
  /** Absolute path of the stack's working directory. */
  readonly dir: string;
  readonly dependencies: readonly string[];
}

/**
 * The stacks of a synth output in dependency order (dependencies first), ties broken by name so
 * the order is the same on every run.
 */
export function stacksInOrder(outdir: string): SynthesizedStack[] {
  const all = new Map<string, SynthesizedStack>();
  for (const [name, entry] of readManifest(outdir)) {
    all.set(name, { name, dir: join(outdir, entry.workingDirectory), dependencies: entry.dependencies ?? [] });
  }
  const ordered: SynthesizedStack[] = [];
  const placed = new Set<string>();
  while (placed.size < all.size) {
    const ready = [...all.values()]
      .filter((s) => !placed.has(s.name) && s.dependencies.every((d) => placed.has(d)))
      .sort((a, b) => a.name.localeCompare(b.name));
    if (ready.length === 0)
      throw new Error(`manifest.json has a dependency cycle among ${[...all.keys()].filter((n) => !placed.has(n)).join(", ")}`);
    for (const stack of ready) {
      ordered.push(stack);
      placed.add(stack.name);
    }
  }
  return ordered;
}
