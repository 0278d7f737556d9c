import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ACCESS_FILE, type AccessDiff, type AccessEntry, type AccessFile, accessDiff } from "../lib/access";
import { readManifest, stackFiles } from "../run/synth-output";
import { parseStackJson } from "../run/terraform-json";

/** A synth output folder: its stacks (canonical JSON), their dependencies, and its access model. */
export interface SynthOutput {
  readonly outdir: string;
  /** Canonical JSON of each stack's `cdk.tf.json`, by stack name. */
  readonly stacks: ReadonlyMap<string, string>;
  /** Each stack's dependencies, from `manifest.json`. */
  readonly dependencies: ReadonlyMap<string, readonly string[]>;
  /** `undefined` when the folder has no `access.json` (synthesized by a release before it). */
  readonly access?: readonly AccessEntry[];
}

/** The JSON text with object keys sorted at every level, so key order never counts as a change. */
export function canonicalJson(text: string): string {
  const sort = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sort);
    if (value && typeof value === "object") {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((k) => [k, sort((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  return JSON.stringify(sort(JSON.parse(text)));
}

/**
 * The stack's JSON with local state paths (its backend's, and those its remote-state reads use)
 * reduced to their file names. That path is relative to
 * wherever the output folder was written (see `BuildAppOptions.localStateDir`), so two synths of the
 * same config into different folders differ there and nowhere else; it is not a change to apply.
 */
function withoutLocalStateFolder(text: string): string {
  const json = parseStackJson(text);
  const fileName = (path: string) => path.split("/").pop();
  const local = json.terraform?.backend?.local;
  if (typeof local?.path === "string") local.path = fileName(local.path);
  // The vault stack reads the broker stack's local state the same way.
  for (const remote of Object.values(json.data?.terraform_remote_state ?? {})) {
    if (remote.backend === "local" && typeof remote.config?.path === "string") remote.config.path = fileName(remote.config.path);
  }
  return JSON.stringify(json);
}

/** Reads a synth output folder. Throws, naming the folder, when it holds no `manifest.json`. */
export function readSynthOutput(outdir: string): SynthOutput {
  const dependencies = new Map<string, readonly string[]>([...readManifest(outdir)].map(([name, entry]) => [name, entry.dependencies]));
  const files = stackFiles(outdir);
  const stacks = new Map<string, string>();
  for (const name of dependencies.keys()) {
    const text = files.get(name);
    if (text === undefined) throw new Error(`${outdir}: manifest.json lists stack ${name} but stacks/${name}/cdk.tf.json is missing`);
    stacks.set(name, canonicalJson(withoutLocalStateFolder(text)));
  }
  const accessFile = join(outdir, ACCESS_FILE);
  const access = existsSync(accessFile) ? (JSON.parse(readFileSync(accessFile, "utf8")) as AccessFile).grants : undefined;
  return { outdir, stacks, dependencies, access };
}

/** One wave: stacks applied (or destroyed) together, after every earlier wave. */
export interface Wave {
  readonly action: "apply" | "destroy";
  readonly stacks: readonly string[];
}

/** What a change does, stack by stack: the shape `vault-aws changes --json` prints. */
export interface Changes {
  readonly create: readonly string[];
  readonly update: readonly string[];
  readonly destroy: readonly string[];
  readonly unchanged: number;
  /** Stack names per wave, in order; see `waveDetails` for which waves destroy. */
  readonly waves: readonly (readonly string[])[];
  readonly access: AccessDiff;
}

/** The changes, with each wave's action and whether the access diff could be computed. */
export interface ChangeSet {
  readonly changes: Changes;
  readonly waveDetails: readonly Wave[];
  /** False when the base has no access model; `changes.access` is then empty. */
  readonly accessKnown: boolean;
}

/**
 * Compares two synth outputs stack by stack. Waves follow the dependencies of `manifest.json`: a
 * stack to create or update goes one wave after the latest of its own dependencies that also
 * changes (so the AWS stacks, then `vault`, then the `vault-roles-NN` stacks); stacks to destroy
 * come after all of those, in the reverse order of the base's dependencies (a Vault role is gone
 * before the IAM role it hands out). Stacks in `include` are planned as updates even when their
 * JSON is the same (e.g. `vault` after the broker's key changed; see README).
 */
export function compareOutputs(base: SynthOutput, current: SynthOutput, include: readonly string[] = []): ChangeSet {
  const names = [...current.stacks.keys()].sort();
  const unknown = include.filter((n) => !current.stacks.has(n));
  if (unknown.length > 0)
    throw new Error(
      `--include ${unknown.join(", ")}: no such stack in the current synth; the stacks are named aws-<account>, vault and vault-roles-NN`,
    );
  const create = names.filter((n) => !base.stacks.has(n));
  const update = names.filter((n) => base.stacks.has(n) && (base.stacks.get(n) !== current.stacks.get(n) || include.includes(n)));
  const destroy = [...base.stacks.keys()].filter((n) => !current.stacks.has(n)).sort();
  const applied = new Set([...create, ...update]);
  const applyWaves = levels([...applied], (name) => (current.dependencies.get(name) ?? []).filter((d) => applied.has(d)));
  // Destroy in reverse: a stack goes only after every stack to destroy that depends on it.
  const destroyed = new Set(destroy);
  const dependents = (name: string) => destroy.filter((other) => (base.dependencies.get(other) ?? []).includes(name));
  const destroyWaves = levels([...destroyed], dependents);
  const waveDetails: Wave[] = [
    ...applyWaves.map((stacks) => ({ action: "apply" as const, stacks })),
    ...destroyWaves.map((stacks) => ({ action: "destroy" as const, stacks })),
  ];
  const accessKnown = base.access !== undefined && current.access !== undefined;
  const access = accessKnown ? accessDiff(base.access!, current.access!) : { granted: [], revoked: [] };
  return {
    changes: {
      create,
      update,
      destroy,
      unchanged: names.length - create.length - update.length,
      waves: waveDetails.map((w) => w.stacks),
      access,
    },
    waveDetails,
    accessKnown,
  };
}

/** Groups names into levels: each name one level after the deepest of `before(name)`. */
function levels(names: readonly string[], before: (name: string) => readonly string[]): string[][] {
  const level = new Map<string, number>();
  const depth = (name: string, seen: Set<string>): number => {
    const known = level.get(name);
    if (known !== undefined) return known;
    if (seen.has(name)) throw new Error(`dependency cycle through ${name}`);
    seen.add(name);
    const value = Math.max(-1, ...before(name).map((b) => depth(b, seen))) + 1;
    level.set(name, value);
    return value;
  };
  for (const name of names) depth(name, new Set());
  const result: string[][] = [];
  for (const name of [...names].sort()) (result[level.get(name)!] ??= []).push(name);
  return result.filter((wave) => wave !== undefined);
}

/**
 * The stacks of one shard: `k` of `n` (1-based) takes every n-th stack of each wave, by name, so n
 * jobs together cover every stack exactly once and the split is the same on every run.
 */
export function shardOf<T extends { readonly stacks: readonly string[] }>(waves: readonly T[], shard?: Shard): T[] {
  if (!shard) return [...waves];
  return waves.map((wave) => ({ ...wave, stacks: [...wave.stacks].sort().filter((_, i) => i % shard.count === shard.index - 1) }));
}

/** `--shard k/n`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Parses `k/n` with 1 ≤ k ≤ n, or throws saying what is allowed. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new Error(`--shard ${text} is not allowed: use k/n with 1 ≤ k ≤ n, e.g. 1/4 for the first of 4 jobs`);
  }
  return { index, count };
}
