#!/usr/bin/env node
// The `vault-aws` command. It always runs the current sources: esbuild compiles the TypeScript
// entry point (dependencies stay in node_modules) into .build/ on every start, in about 0.2 s, so
// neither a missing `dist/` on a fresh clone nor a stale one after an edit can be run by mistake.
"use strict";
const { buildSync } = require("esbuild");
const { join } = require("node:path");

const root = join(__dirname, "..");
const outfile = join(root, ".build", "vault-aws.js");
try {
  buildSync({
    entryPoints: [join(root, "cli", "vault-aws.ts")],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    packages: "external",
    sourcemap: "inline",
    logLevel: "silent",
  });
} catch (error) {
  // esbuild's own message names the file, line and column.
  console.error(`vault-aws: the sources do not compile:\n${error.message}`);
  process.exit(1);
}
require(outfile);
