// Jest global teardown: removes the run's temp folder (see temp-dir-setup.js).
const { rmSync } = require("node:fs");

module.exports = async () => {
  const dir = process.env.VAMA_JEST_TMPDIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
};
