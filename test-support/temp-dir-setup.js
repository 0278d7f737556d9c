// Jest global setup: every temp folder a test run makes (mkdtemp under os.tmpdir(), terraform's and
// the emulators' own) goes under one folder of its own, which the teardown removes, pass or fail.
const { mkdtempSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

module.exports = async () => {
  const dir = mkdtempSync(join(tmpdir(), "vama-jest-"));
  process.env.VAMA_JEST_TMPDIR = dir;
  // Workers start after this and inherit it, so their os.tmpdir() is this folder.
  process.env.TMPDIR = dir;
};
