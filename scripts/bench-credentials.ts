/**
 * `npm run bench:credentials`: the two ratios of the credential path, side by side in one run,
 * each the median of RUNS fresh processes, the two sides of a ratio interleaved so that machine
 * load falls on both alike:
 *
 * 1. a cached `vault-aws credentials` call against a bare `node -e 0` (goal ≤ 2×);
 * 2. `aws sts get-caller-identity --profile <generated>` with a warm cache against the same call
 *    with static credentials (goal ≤ 1.5×), against the moto emulator.
 *
 * 3. the launcher: `vault-aws synth --help` compiled on every start (the launcher before the
 *    .build/ cache) against the cached bundle.
 *
 * Then `vault-aws trace` over a generated audit log of TRACE_MB megabytes (default 1,024; the file
 * is written to a temporary folder and removed): rows per second and peak RSS. No Vault is needed:
 * the cache is warm, which is the path being measured.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cacheDir, cacheFile, writeEntry } from "../lib/credentials/cache";
import { startEmulator } from "../sandbox/emulator";
import { repoRoot } from "../run/repo-root";

const ROOT = repoRoot();
const LAUNCHER = join(ROOT, "bin", "vault-aws.js");
const RUNS = Number(process.env.RUNS ?? 15);
const TRACE_MB = Number(process.env.TRACE_MB ?? 1024);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Wall seconds of one run of a command, which must succeed. */
function timed(command: string, args: string[], env: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint();
  const run = spawnSync(command, args, { env, encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${run.status}): ${run.stderr}`);
  return seconds;
}

/** Medians of two commands run alternately, and their ratio. */
function ratio(label: string, a: () => number, b: () => number): void {
  a();
  b(); // warm the file cache
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    as.push(a());
    bs.push(b());
  }
  const [ma, mb] = [median(as), median(bs)];
  console.log(`${label.padEnd(62)} ${ma.toFixed(3)} s vs ${mb.toFixed(3)} s   ratio ${(ma / mb).toFixed(2)}×`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "vama-bench-credentials-"));
  const emulator = await startEmulator();
  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: dir,
      VAULT_AWS_CACHE_DIR: join(dir, "cache"),
      VAULT_TOKEN: "hvs.bench-token",
      VAULT_ADDR: "http://127.0.0.1:1",
      AWS_CONFIG_FILE: join(dir, "aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "aws-credentials"),
      AWS_ENDPOINT_URL: emulator.endpoint,
    };
    // A warm cache entry, as the first call of the day leaves it: the emulator takes any key.
    const key = { address: "http://127.0.0.1:1", token: "hvs.bench-token", mount: "aws", role: "dev-ec2-admin" };
    const credentials = {
      Version: 1 as const,
      AccessKeyId: "ASIABENCHBENCHBENCH1",
      SecretAccessKey: "bench",
      SessionToken: "bench",
      Expiration: new Date(Date.now() + 3600_000).toISOString(),
    };
    writeEntry(cacheFile(cacheDir(env), key), { issuedAt: Date.now(), credentials });
    writeFileSync(
      env.AWS_CONFIG_FILE!,
      `[profile generated]\nregion = us-east-1\ncredential_process = ${process.execPath} ${LAUNCHER} credentials --role dev-ec2-admin --address http://127.0.0.1:1\n\n[profile static]\nregion = us-east-1\n`,
    );
    writeFileSync(
      env.AWS_SHARED_CREDENTIALS_FILE!,
      `[static]\naws_access_key_id = ${credentials.AccessKeyId}\naws_secret_access_key = bench\naws_session_token = bench\n`,
    );
    execFileSync(process.execPath, [LAUNCHER, "credentials", "--role", "dev-ec2-admin", "--address", "http://127.0.0.1:1"], { env }); // builds .build/ if needed

    console.log(`credentials: node ${process.version}, ${RUNS} runs each, interleaved, median shown`);
    ratio(
      "cached `vault-aws credentials` vs `node -e 0` (goal ≤ 2×)",
      () => timed(process.execPath, [LAUNCHER, "credentials", "--role", "dev-ec2-admin", "--address", "http://127.0.0.1:1"], env),
      () => timed(process.execPath, ["-e", "0"], env),
    );
    ratio(
      "aws sts get-caller-identity: generated vs static profile (≤ 1.5×)",
      () => timed("aws", ["sts", "get-caller-identity", "--profile", "generated"], env),
      () => timed("aws", ["sts", "get-caller-identity", "--profile", "static"], env),
    );
    // The launcher before this change compiled cli/vault-aws.ts on every start; the same build, in a script.
    const compileEveryStart = join(dir, "compile-every-start.js");
    writeFileSync(
      compileEveryStart,
      `const { buildSync } = require(${JSON.stringify(require.resolve("esbuild"))});\n` +
        `buildSync({ entryPoints: [${JSON.stringify(join(ROOT, "cli", "vault-aws.ts"))}], outfile: ${JSON.stringify(join(ROOT, ".build", "bench-every-start", "vault-aws.js"))}, ` +
        `bundle: true, platform: "node", target: "node20", format: "cjs", packages: "external", sourcemap: "inline", logLevel: "silent" });\n` +
        `require(${JSON.stringify(join(ROOT, ".build", "bench-every-start", "vault-aws.js"))});\n`,
    );
    ratio(
      "`vault-aws synth --help`: compile every start vs .build/ cache",
      () => timed(process.execPath, [compileEveryStart, "synth", "--help"], env),
      () => timed(process.execPath, [LAUNCHER, "synth", "--help"], env),
    );
    if (TRACE_MB > 0) await traceBench(dir, env);
  } finally {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An audit log of about `TRACE_MB` MB: request/response pairs of issuances and other traffic, one of them the key searched for. */
async function writeLog(file: string): Promise<number> {
  const out = createWriteStream(file);
  const target = Math.floor(TRACE_MB * 1024 * 1024);
  let bytes = 0;
  let lines = 0;
  const write = (line: string) => {
    bytes += line.length + 1;
    lines++;
    return out.write(`${line}\n`) ? Promise.resolve() : new Promise<void>((r) => out.once("drain", () => r()));
  };
  for (let i = 0; bytes < target; i++) {
    const time = new Date(Date.UTC(2026, 11, 1) + i * 1000).toISOString();
    const auth = {
      display_name: `jwt-user${i % 500}`,
      entity_id: `e-${i % 500}`,
      policies: ["default", "aws-developers"],
      metadata: { role: "engineer" },
      token_type: "service",
      client_token: "hmac-sha256:0f".padEnd(76, "0"),
    };
    const request = {
      id: `r-${i}`,
      operation: "update",
      mount_type: "aws",
      path: "aws/sts/dev-ec2-admin",
      data: { ttl: "15m" },
      remote_address: "10.0.0.1",
      client_token: auth.client_token,
    };
    await write(JSON.stringify({ time, type: "request", auth, request }));
    const key = i === 1000 ? "ASIATRACETARGET00001" : `ASIA${String(i).padStart(16, "0")}`;
    await write(
      JSON.stringify({
        time,
        type: "response",
        auth,
        request,
        response: {
          mount_type: "aws",
          data: { access_key: key, secret_key: "hmac-sha256:ab".padEnd(76, "0"), security_token: "hmac-sha256:cd".padEnd(76, "0") },
          secret: { lease_id: `aws/sts/dev-ec2-admin/${i}` },
        },
      }),
    );
  }
  await new Promise<void>((r) => out.end(r));
  return lines;
}

async function traceBench(dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const file = join(dir, "audit.log");
  const lines = await writeLog(file);
  {
    const size = statSync(file).size;
    for (const [label, args] of [
      ["trace <access key id>", ["trace", "ASIATRACETARGET00001", "--log", file]],
      ["trace --who jwt-user7", ["trace", "--who", "jwt-user7", "--log", file]],
    ] as const) {
      const start = process.hrtime.bigint();
      const run = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, LAUNCHER, ...args], {
        env,
        encoding: "utf8",
        maxBuffer: 1 << 28,
      });
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (run.status !== 0) throw new Error(`trace failed: ${run.stderr}`);
      const rssMb = Number(run.stderr.trim().split("\n").pop()) / 1024;
      console.log(
        `${label.padEnd(24)} ${(size / 1e9).toFixed(2)} GB, ${lines.toLocaleString("en-US")} lines: ${seconds.toFixed(1)} s, ` +
          `${Math.round(lines / seconds).toLocaleString("en-US")} rows/s, ${Math.round(size / 1e6 / seconds)} MB/s, peak RSS ${rssMb.toFixed(0)} MB`,
      );
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
