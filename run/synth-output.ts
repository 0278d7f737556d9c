import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

/** One stack as `manifest.json` lists it. */
export interface ManifestStack {
  /** The stack's folder, relative to the output folder. */
  readonly workingDirectory: string;
  readonly dependencies: readonly string[];
}

/**
 * The stacks `<outdir>/manifest.json` lists, by name: the one reader of the manifest. Throws, naming
 * the folder, when it holds no `manifest.json`.
 */
export function readManifest(outdir: string): ReadonlyMap<string, ManifestStack> {
  const file = join(outdir, "manifest.json");
  if (!existsSync(file)) throw new Error(`${outdir} is not a synth output folder: it has no manifest.json`);
  const manifest = JSON.parse(readFileSync(file, "utf8")) as {
    stacks: Record<string, { workingDirectory: string; dependencies?: string[] }>;
  };
  return new Map(
    Object.entries(manifest.stacks).map(([name, entry]) => [
      name,
      { workingDirectory: entry.workingDirectory, dependencies: entry.dependencies ?? [] },
    ]),
  );
}

/** The synthesized JSON of every stack folder under `<outdir>/stacks`, by stack name. */
export function stackFiles(outdir: string): Map<string, string> {
  const stacks = join(outdir, "stacks");
  const files = new Map<string, string>();
  if (!existsSync(stacks)) return files;
  for (const name of readdirSync(stacks)) {
    const file = join(stacks, name, "cdk.tf.json");
    if (existsSync(file)) files.set(name, readFileSync(file, "utf8"));
  }
  return files;
}

/** What a synth did to the output folder, stack by stack. */
export interface SynthChanges {
  readonly created: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
  readonly unchanged: number;
}

/**
 * Leaves exactly the manifest's stacks in `<outdir>/stacks`: removes the folders of stacks the
 * synth no longer makes (an account removed from the config, a `vault-roles-NN` stack left with no
 * roles), which a pipeline looping over the folders would otherwise apply again. Their state is not
 * in these folders and is not touched. Returns what changed against `before` (from `stackFiles`).
 */
export function pruneStacks(outdir: string, before: ReadonlyMap<string, string>): SynthChanges {
  const current = new Set(readManifest(outdir).keys());
  const removed = [...stackFiles(outdir).keys()].filter((name) => !current.has(name)).sort();
  for (const name of removed) rmSync(join(outdir, "stacks", name), { recursive: true, force: true });
  const after = stackFiles(outdir);
  const names = [...current].sort();
  const created = names.filter((name) => !before.has(name));
  const changed = names.filter((name) => before.has(name) && before.get(name) !== after.get(name));
  return { created, changed, removed, unchanged: names.length - created.length - changed.length };
}

/** One line saying what a synth wrote, as `cdktf synth` lists its stacks. */
export function describeSynth(outdir: string, changes: SynthChanges): string {
  const list = (label: string, names: readonly string[]) => (names.length > 0 ? `, ${names.length} ${label} (${names.join(", ")})` : "");
  const total = changes.created.length + changes.changed.length + changes.unchanged;
  return `synth: ${total} stacks in ${outdir}${list("created", changes.created)}${list("changed", changes.changed)}${list("removed", changes.removed)}, ${changes.unchanged} unchanged`;
}
