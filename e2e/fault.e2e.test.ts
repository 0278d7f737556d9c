import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { StackFailure } from "../sandbox/deploy";
import { type Emulator, startEmulator } from "../sandbox/emulator";
import { runSandbox } from "../sandbox/run-sandbox";
import { smallConfig, workDir, writeConfig } from "./fixtures";

describe("the emulator dies in the middle of an apply", () => {
  const dir = workDir("fault");
  const config = writeConfig(dir, "accounts.yaml", smallConfig());
  let emulator: Emulator;
  let failure: unknown;

  beforeAll(async () => {
    emulator = await startEmulator();
    const log = (line: string) => {
      // One stack at a time: kill moto two seconds into the second stack's apply.
      if (line.startsWith("[aws-primary] applying")) setTimeout(() => emulator.process.kill("SIGKILL"), 2000);
    };
    failure = await runSandbox({ configFile: config, workDir: dir, endpoint: emulator.endpoint, parallelism: 1, log }).then(
      () => new Error("the run did not fail"),
      (error) => error,
    );
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  test("the run fails, naming the stack that was being applied", () => {
    expect(failure).toBeInstanceOf(StackFailure);
    expect((failure as StackFailure).stackName).toBe("aws-primary");
    expect((failure as StackFailure).message).toMatch(/^stack aws-primary failed:\n/);
  });

  test("no state lock is left behind", () => {
    // A local backend locks <state>.tfstate with a hidden ".<state>.tfstate.lock.info" beside it.
    const stateDir = join(dir, "state");
    expect(readdirSync(stateDir).filter((f) => f.endsWith(".lock.info"))).toEqual([]);
    expect(existsSync(join(stateDir, ".aws-primary.tfstate.lock.info"))).toBe(false);
  });

  test("a rerun against a restarted emulator converges, and every role works", async () => {
    emulator = await startEmulator({ port: emulator.port });
    const result = await runSandbox({ configFile: config, workDir: dir, endpoint: emulator.endpoint, log: () => undefined });
    expect(result.secondPlan).toEqual({ "aws-dev": 0, "aws-primary": 0 });
    expect(result.checks.map((c) => [c.target.vaultRole, c.ok])).toEqual([
      ["primary-readonly", true],
      ["dev-ec2-admin", true],
    ]);
  });
});
