#!/usr/bin/env node
// The `vault-aws` command. It always runs the current sources, and starts without compiling when
// nothing changed: esbuild bundles the TypeScript entry points (dependencies stay in node_modules)
// into .build/, with a manifest of every source file the bundles include (esbuild's metafile) and
// its size and mtime. A start stats those files; when one differs, it compares a hash of their
// contents, and rebuilds when that differs too. So neither a missing build on a fresh clone nor a
// stale one after an edit can be run, and a start after no edit costs a few dozen stat calls.
//
// `vault-aws credentials` runs on every AWS CLI or SDK call (credential_process): it first goes to
// a small bundle of its own (cli/credentials-fast.ts) that answers from the credential cache, and
// loads the whole program only when the cache cannot answer.
"use strict";
const { createHash } = require("node:crypto");
const { readFileSync, renameSync, statSync, writeFileSync, mkdirSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..");
const buildDir = join(root, ".build");
const manifestFile = join(buildDir, "manifest.json");
const ENTRIES = { "vault-aws": join("cli", "vault-aws.ts"), "credentials-fast": join("cli", "credentials-fast.ts") };
/** Bump when the build options below change, so that an older build is not reused. */
const BUILD_VERSION = 2;

/** The manifest of the last build, or undefined when there is none or it is unreadable. */
function readManifest() {
  try {
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
    return manifest.version === BUILD_VERSION ? manifest : undefined;
  } catch {
    return undefined;
  }
}

/** Whether every input still has the size and mtime the manifest recorded. */
function unchanged(inputs) {
  try {
    return inputs.every(([path, size, mtimeMs]) => {
      const s = statSync(join(root, path));
      return s.size === size && s.mtimeMs === mtimeMs;
    });
  } catch {
    return false;
  }
}

/** The inputs as [path, size, mtime] and one hash of their paths and contents, or undefined when one is gone. */
function fingerprint(paths) {
  const hash = createHash("sha256");
  const inputs = [];
  try {
    for (const path of [...paths].sort()) {
      const file = join(root, path);
      const s = statSync(file);
      hash.update(`${path}\0${s.size}\0`).update(readFileSync(file));
      inputs.push([path, s.size, s.mtimeMs]);
    }
  } catch {
    return undefined;
  }
  return { inputs, hash: hash.digest("hex") };
}

/** Bundles every entry point, and writes the manifest last so that a crash leaves no manifest claiming a build. */
function build() {
  const { buildSync } = require("esbuild");
  const { NODE_BUNDLE } = require("./esbuild-config");
  try {
    const result = buildSync({
      ...NODE_BUNDLE,
      absWorkingDir: root,
      entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, path]) => [name, join(root, path)])),
      outdir: buildDir,
      sourcemap: "inline",
      metafile: true,
    });
    const paths = Object.keys(result.metafile.inputs).map((p) => p);
    const print = fingerprint(paths);
    if (print) writeManifest({ version: BUILD_VERSION, ...print });
  } catch (error) {
    // esbuild's own message names the file, line and column.
    console.error(`vault-aws: the sources do not compile:\n${error.message}`);
    process.exit(1);
  }
}

function writeManifest(manifest) {
  mkdirSync(buildDir, { recursive: true });
  const temp = `${manifestFile}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(manifest));
  renameSync(temp, manifestFile);
}

/** Makes sure .build/ holds bundles of the current sources. */
function ensureBuilt() {
  const manifest = readManifest();
  if (manifest && unchanged(manifest.inputs)) return;
  if (manifest) {
    // Touched but maybe not changed (a checkout, a save without edits): compare contents.
    const now = fingerprint(manifest.inputs.map(([path]) => path));
    if (now && now.hash === manifest.hash) {
      writeManifest({ version: BUILD_VERSION, ...now });
      return;
    }
  }
  build();
}

ensureBuilt();
// A warm `credentials` call is answered from the cache; anything else loads the whole program.
const answered =
  process.argv[2] === "credentials" && require(join(buildDir, "credentials-fast.js")).answeredFromCache(process.argv.slice(3));
if (!answered) require(join(buildDir, "vault-aws.js"));
