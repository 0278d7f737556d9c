/**
 * End-to-end tests: the sandbox against a real moto_server and the real terraform. Run with
 * `npm run test:e2e`; each test file starts its own emulator on a free port and works in a temp dir.
 */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  roots: ["<rootDir>/e2e"],
  testMatch: ["**/*.e2e.test.ts"],
  testTimeout: 600000,
  globalSetup: "<rootDir>/test-support/temp-dir-setup.js",
  globalTeardown: "<rootDir>/test-support/temp-dir-teardown.js",
  transform: { "^.+\\.ts$": "ts-jest" },
};
