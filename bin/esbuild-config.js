// The one esbuild configuration of the project: how TypeScript is compiled to run with node. The
// launcher (bin/vault-aws.js) compiles the command line with it, and `vault-aws changes` compiles a
// base commit's main.ts with it. Dependencies stay in node_modules (packages: "external").
"use strict";

/** How every bundle is made: one CommonJS file per entry point for node 20, dependencies left in node_modules. */
const NODE_BUNDLE = { bundle: true, platform: "node", target: "node20", format: "cjs", packages: "external", logLevel: "silent" };

/**
 * esbuild's build options for one entry point bundled into one CommonJS file for node 20.
 * @param {string} entry the TypeScript entry point
 * @param {string} outfile the JavaScript file to write
 * @param {object} [extra] options to add, e.g. { sourcemap: "inline" }
 */
function nodeBundle(entry, outfile, extra = {}) {
  return { entryPoints: [entry], outfile, ...NODE_BUNDLE, ...extra };
}

module.exports = { NODE_BUNDLE, nodeBundle };
