import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { canonicalJson, compareOutputs, parseShard, readSynthOutput, shardOf, type SynthOutput } from "../../pipeline/changes";
import { synthesize } from "../../synth";
import { baseConfig } from "../helpers";

/** Synthesizes a config given as data into a fresh folder, as `vault-aws synth` does, and reads it back. */
function synthOf(data: unknown): SynthOutput {
  const dir = mkdtempSync(join(tmpdir(), "vama-changes-"));
  const file = join(dir, "accounts.yaml");
  writeFileSync(file, stringify(data));
  synthesize({ configFile: file, outdir: join(dir, "out"), localStateDir: dir, warn: () => undefined });
  return readSynthOutput(join(dir, "out"));
}

const role = (name: string, requesters: string[]) => ({ name, managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], requesters });

describe("compareOutputs", () => {
  const base = baseConfig();
  const before = synthOf(base);

  test("the same config changes nothing", () => {
    const { changes, waveDetails } = compareOutputs(before, synthOf(base));
    expect(changes).toEqual({
      create: [],
      update: [],
      destroy: [],
      unchanged: before.stacks.size,
      waves: [],
      access: { granted: [], revoked: [] },
    });
    expect(waveDetails).toEqual([]);
  });

  test("adding an account: its stack, the broker's and its roles stack, in that dependency order; not vault", () => {
    const next = baseConfig();
    next.accounts.push({ name: "qa", id: "333333333333", roles: [role("tester", ["developers"])] });
    const after = synthOf(next);
    const { changes } = compareOutputs(before, after);
    const rolesStack = [...after.stacks.keys()].find((n) => n.startsWith("vault-roles-") && after.stacks.get(n)!.includes("qa-tester"))!;
    expect(changes.create).toEqual(before.stacks.has(rolesStack) ? ["aws-qa"] : ["aws-qa", rolesStack]);
    expect([...changes.create, ...changes.update].sort()).toEqual(["aws-primary", "aws-qa", rolesStack].sort());
    expect(changes.destroy).toEqual([]);
    expect(changes.waves).toEqual([["aws-primary", "aws-qa"], [rolesStack]]);
    expect(changes.access).toEqual({
      granted: [{ requester: "developers", vaultRole: "qa-tester", roleArn: "arn:aws:iam::333333333333:role/tester" }],
      revoked: [],
    });
  });

  test("removing an account destroys its stack after the Vault stacks have dropped its roles", () => {
    const { changes, waveDetails } = compareOutputs(
      synthOf({ ...base, accounts: [...base.accounts, { name: "qa", id: "333333333333", roles: [role("tester", ["developers"])] }] }),
      before,
    );
    expect(changes.destroy[0]).toBe("aws-qa");
    expect(waveDetails.at(-1)).toEqual({ action: "destroy", stacks: ["aws-qa"] });
    // Every destroy wave comes after every apply wave.
    const firstDestroy = waveDetails.findIndex((w) => w.action === "destroy");
    expect(waveDetails.slice(firstDestroy).every((w) => w.action === "destroy")).toBe(true);
    expect(changes.access.revoked).toEqual([
      { requester: "developers", vaultRole: "qa-tester", roleArn: "arn:aws:iam::333333333333:role/tester" },
    ]);
  });

  test("a base without access.json (an older release) gives no access diff rather than a wrong one", () => {
    const withoutAccess: SynthOutput = { ...before, access: undefined };
    const result = compareOutputs(withoutAccess, before);
    expect(result.accessKnown).toBe(false);
    expect(result.changes.access).toEqual({ granted: [], revoked: [] });
  });
});

describe("canonicalJson", () => {
  test("key order does not count, values and array order do", () => {
    expect(canonicalJson('{"b":1,"a":{"d":[2,1],"c":true}}')).toBe(canonicalJson('{"a":{"c":true,"d":[2,1]},"b":1}'));
    expect(canonicalJson('{"a":[1,2]}')).not.toBe(canonicalJson('{"a":[2,1]}'));
  });
});

describe("shards", () => {
  const waves = [
    { action: "apply" as const, stacks: ["aws-c", "aws-a", "aws-b", "aws-d", "aws-e"] },
    { action: "apply" as const, stacks: ["vault"] },
  ];

  test("n shards cover every stack of every wave exactly once, and keep every wave (empty ones too)", () => {
    for (const count of [1, 2, 3, 7]) {
      const shards = Array.from({ length: count }, (_, i) => shardOf(waves, { index: i + 1, count }));
      for (const shard of shards) expect(shard.map((w) => w.action)).toEqual(["apply", "apply"]);
      waves.forEach((wave, w) => {
        const covered = shards.flatMap((s) => s[w].stacks).sort();
        expect(covered).toEqual([...wave.stacks].sort());
      });
    }
  });

  test("the split is the same on every run and does not depend on input order", () => {
    expect(shardOf(waves, { index: 2, count: 2 })).toEqual(
      shardOf([{ ...waves[0], stacks: [...waves[0].stacks].reverse() }, waves[1]], { index: 2, count: 2 }),
    );
    expect(shardOf(waves, { index: 1, count: 2 })[0].stacks).toEqual(["aws-a", "aws-c", "aws-e"]);
  });

  test.each(["0/2", "3/2", "1/0", "a/b", "1-2", ""])("--shard %p is refused, saying what is allowed", (text) => {
    expect(() => parseShard(text)).toThrow(`--shard ${text} is not allowed: use k/n with 1 ≤ k ≤ n, e.g. 1/4 for the first of 4 jobs`);
  });
});

describe("synth folders written elsewhere", () => {
  test("the same config synthesized into another folder changes nothing (local state paths are where the folder is, not a change)", () => {
    const dir = mkdtempSync(join(tmpdir(), "vama-changes-where-"));
    const file = join(dir, "accounts.yaml");
    writeFileSync(file, stringify(baseConfig()));
    synthesize({ configFile: file, outdir: join(dir, "cdktf.out"), localStateDir: dir, warn: () => undefined });
    synthesize({ configFile: file, outdir: join(dir, "elsewhere", "deep", "out"), localStateDir: dir, warn: () => undefined });
    const { changes } = compareOutputs(readSynthOutput(join(dir, "elsewhere", "deep", "out")), readSynthOutput(join(dir, "cdktf.out")));
    expect([changes.create, changes.update, changes.destroy]).toEqual([[], [], []]);
  });
});
