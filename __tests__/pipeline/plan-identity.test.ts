import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asPlanIdentity, PLAN_FOLDER_MARKER } from "../../pipeline/plan-identity";
import { readPlans } from "../../cli/commands/apply";

const ROOT = join(__dirname, "..", "..");

describe("asPlanIdentity", () => {
  const stack = {
    provider: {
      aws: [
        {
          region: "us-east-1",
          allowed_account_ids: ["222222222222"],
          assume_role: [{ role_arn: "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole", session_name: "s" }],
        },
      ],
    },
    resource: { aws_iam_role: { r: { name: "x" } } },
  };
  test("each AWS provider assumes vault-aws-plan in the same account; nothing else changes", () => {
    const read = asPlanIdentity(stack);
    expect(read.provider?.aws?.[0].assume_role?.[0]).toEqual({
      role_arn: "arn:aws:iam::222222222222:role/vault-aws-plan",
      session_name: "s",
    });
    expect({ ...read, provider: undefined }).toEqual({ ...stack, provider: undefined });
    expect(stack.provider.aws[0].assume_role[0].role_arn).toBe("arn:aws:iam::222222222222:role/OrganizationAccountAccessRole");
  });
  test("a provider reached by a profile is left as it is", () => {
    const profiled = { provider: { aws: [{ profile: "hub-admin" }] } };
    expect(asPlanIdentity(profiled)).toEqual(profiled);
  });
});

describe("plan --out and apply --plans guard what they touch", () => {
  test("plan refuses to empty a folder it did not create, and leaves it as it was", () => {
    const dir = mkdtempSync(join(tmpdir(), "plan-out-"));
    writeFileSync(join(dir, "keep.txt"), "mine");
    const run = spawnSync(process.execPath, [join(ROOT, "bin", "vault-aws.js"), "plan", "--base", "HEAD", "--out", dir], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `plan refused: --out ${dir} is a folder vault-aws plan did not create (no ${PLAN_FOLDER_MARKER} in it), and plan empties its --out first; name a new or empty folder`,
    );
    expect(existsSync(join(dir, "keep.txt"))).toBe(true);
  });
  test("apply refuses plans the plan identity made", () => {
    const dir = mkdtempSync(join(tmpdir(), "plan-ro-"));
    writeFileSync(
      join(dir, "summary.json"),
      JSON.stringify({ version: 1, changes: {}, waves: [], stacks: {}, danger: [], readOnly: true }),
    );
    expect(() => readPlans([dir])).toThrow(
      `--plans ${dir}: these plans were made by the plan identity (--read-only) for review; they cannot be applied: plan again as the apply identity`,
    );
  });
});
