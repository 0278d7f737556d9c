/**
 * Sandbox benchmark: apply time per stack (one stack at a time, fresh emulator), then AssumeRole
 * latency over CALLS calls (default 100) three ways, side by side in one run:
 *   - the harness: `BrokerAssumeRole`, the credential source the checks use;
 *   - the AWS SDK directly: one STSClient, AssumeRoleCommand;
 *   - the AWS CLI: `aws sts assume-role`, one process per call.
 * Usage: npm run bench:sandbox [-- --calls N]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { BrokerAssumeRole, checkTargets, sessionName } from "./checks";
import { startEmulator } from "./emulator";
import { percentile, time } from "./timing";
import { createBrokerCheckKey, ROOT, runSandbox, synthForSandbox } from "./run-sandbox";

const callsFlag = process.argv.indexOf("--calls");
const CALLS = callsFlag > 0 ? Number(process.argv[callsFlag + 1]) : 100;

async function timed(count: number, call: () => Promise<unknown> | unknown): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await time(call));
  return times;
}

async function main() {
  const emulator = await startEmulator();
  const work = mkdtempSync(join(tmpdir(), "vama-bench-sandbox-"));
  try {
    const config = join(ROOT, "accounts.yaml");
    const started = Date.now();
    const result = await runSandbox({
      configFile: config,
      workDir: work,
      endpoint: emulator.endpoint,
      parallelism: 1,
      log: () => undefined,
    });
    if (!result.ok) throw new Error("the sandbox run failed; run npm run sandbox to see why");
    console.log(`sandbox benchmark: example config, emulator ${emulator.endpoint}, node ${process.version}`);
    console.log(
      `\napply time per stack (one at a time; init + apply, fresh emulator); whole run ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    for (const s of result.stacks)
      if (s.action === "applied") console.log(`  ${s.stack.padEnd(14)} ${s.seconds.toFixed(1).padStart(5)} s  ${s.detail}`);

    const { model, deployRoleName } = await synthForSandbox(config, work, emulator.endpoint, () => undefined);
    // A short-lived key of the broker user (Vault's own never leaves it); it dies with the emulator.
    const broker = (await createBrokerCheckKey(model, { endpoint: emulator.endpoint, region: model.vault.region }, deployRoleName))
      .credentials;
    const target = checkTargets(model).find((t) => t.vaultRole === "dev-ec2-admin")!;
    const aws = { endpoint: emulator.endpoint, region: model.vault.region };

    const harness = new BrokerAssumeRole(broker, aws);
    const sdk = new STSClient({ ...aws, credentials: broker });
    const params = { RoleArn: target.role.roleArn, RoleSessionName: sessionName(target.vaultRole), DurationSeconds: target.ttlSeconds };
    await harness.issue(target); // warm both clients' connections
    await sdk.send(new AssumeRoleCommand(params));
    const rows: [string, number[]][] = [
      ["harness (BrokerAssumeRole)", await timed(CALLS, () => harness.issue(target))],
      ["AWS SDK direct", await timed(CALLS, () => sdk.send(new AssumeRoleCommand(params)))],
      [
        "AWS CLI (process per call)",
        await timed(CALLS, () => {
          const r = spawnSync(
            "aws",
            [
              "sts",
              "assume-role",
              "--endpoint-url",
              emulator.endpoint,
              "--role-arn",
              params.RoleArn,
              "--role-session-name",
              params.RoleSessionName,
              "--output",
              "json",
            ],
            {
              env: {
                ...process.env,
                AWS_ACCESS_KEY_ID: broker.accessKeyId,
                AWS_SECRET_ACCESS_KEY: broker.secretAccessKey,
                AWS_DEFAULT_REGION: aws.region,
              },
              stdio: "ignore",
            },
          );
          if (r.status !== 0) throw new Error("aws sts assume-role failed");
        }),
      ],
    ];
    console.log(`\nAssumeRole into ${target.role.roleArn}, ${CALLS} calls each`);
    console.log("  way                          p50 (ms)  p95 (ms)");
    for (const [name, times] of rows)
      console.log(`  ${name.padEnd(28)} ${percentile(times, 50).toFixed(1).padStart(8)}  ${percentile(times, 95).toFixed(1).padStart(8)}`);
  } finally {
    await emulator.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
