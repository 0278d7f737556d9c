import { countChanges, dangerFlags, type PlanSummary, summaryMarkdown } from "../../pipeline/summary";
import type { PlannedChange } from "../../run/runner";

const change = (type: string, name: string, actions: string[], before: any = {}, after: any = {}): PlannedChange => ({
  address: `${type}.${name}`,
  type,
  name,
  actions,
  before,
  after,
});

describe("dangerFlags", () => {
  const json = { resource: { aws_iam_role: { r: { name: "readonly" } }, vault_policy: { p: { name: "aws-sre" } } } };

  test("deleting or replacing a guarded resource is flagged, naming what it is", () => {
    const flags = dangerFlags(
      "aws-dev",
      [
        change("aws_iam_role", "r", ["delete"]),
        change("aws_iam_access_key", "k", ["delete", "create"]),
        change("vault_aws_secret_backend", "m", ["delete"]),
      ],
      undefined,
      undefined,
    );
    expect(flags.map((f) => f.reason)).toEqual([
      "destroys an assumable IAM role",
      "replaces a broker access key",
      "destroys the Vault AWS secrets engine mount (destroying it revokes every lease it issued)",
    ]);
  });

  test("a trust policy change is flagged; creating roles and updating other fields are not", () => {
    const trust = (principal: string) => JSON.stringify({ Statement: [{ Principal: { AWS: principal } }] });
    const flags = dangerFlags(
      "aws-dev",
      [
        change("aws_iam_role", "a", ["update"], { assume_role_policy: trust("x") }, { assume_role_policy: trust("y") }),
        change(
          "aws_iam_role",
          "b",
          ["update"],
          { assume_role_policy: trust("x"), max_session_duration: 3600 },
          { assume_role_policy: trust("x"), max_session_duration: 7200 },
        ),
        change("aws_iam_role", "c", ["create"], null, { assume_role_policy: trust("x") }),
      ],
      undefined,
      undefined,
    );
    expect(flags).toEqual([
      { stack: "aws-dev", address: "aws_iam_role.a", reason: "changes the trust policy of an IAM role (who may assume it)" },
    ]);
  });

  test("a change to a resource whose configuration is the same in base and current is flagged as not predicted", () => {
    const flags = dangerFlags("aws-dev", [change("vault_policy", "p", ["update"])], json, json);
    expect(flags.map((f) => f.reason)).toEqual([
      "update although its configuration did not change: drift, or the base is not what is deployed",
    ]);
    const changed = { resource: { ...json.resource, vault_policy: { p: { name: "aws-sre", policy: "new" } } } };
    expect(dangerFlags("aws-dev", [change("vault_policy", "p", ["update"])], json, changed)).toEqual([]);
  });

  test("a change that follows from a changed resource it refers to is predicted", () => {
    const base = {
      resource: { aws_iam_role: { r: { name: "a" } }, aws_iam_role_policy_attachment: { x: { role: "${aws_iam_role.r.name}" } } },
    };
    const current = {
      resource: { aws_iam_role: { r: { name: "b" } }, aws_iam_role_policy_attachment: { x: { role: "${aws_iam_role.r.name}" } } },
    };
    expect(dangerFlags("aws-dev", [change("aws_iam_role_policy_attachment", "x", ["delete", "create"])], base, current)).toEqual([]);
  });
});

describe("config text made literal is not a reference", () => {
  test("a change to a resource holding `$${…}` text, the same in base and current, is still flagged", () => {
    const json = {
      resource: { aws_iam_role_policy: { p: { policy: '{"Resource":"arn:aws:s3:::home/$${aws_iam_role.x.name}/$${data.x.y.z}"}' } } },
    };
    expect(dangerFlags("aws-dev", [change("aws_iam_role_policy", "p", ["update"])], json, json).map((f) => f.reason)).toEqual([
      "update although its configuration did not change: drift, or the base is not what is deployed",
    ]);
  });
});

describe("summaryMarkdown", () => {
  const summary = (stacks: number, granted: number): PlanSummary => ({
    version: 1,
    base: "origin/main",
    changes: {
      create: ["aws-qa"],
      update: [],
      destroy: [],
      unchanged: 1000,
      waves: [["aws-qa"]],
      access: {
        granted: Array.from({ length: granted }, (_, i) => ({
          requester: "developers",
          vaultRole: `qa-${i}`,
          roleArn: `arn:aws:iam::333333333333:role/r${i}`,
        })),
        revoked: [],
      },
    },
    accessKnown: true,
    waves: [{ action: "apply", stacks: ["aws-qa"] }],
    stacks: Object.fromEntries(
      Array.from({ length: stacks }, (_, i) => [
        `aws-${i}`,
        {
          stack: `aws-${i}`,
          action: "apply",
          predicted: "create",
          add: 2,
          change: 0,
          destroy: 0,
          replace: 0,
          planFile: `aws-${i}.tfplan`,
          planText: `aws-${i}.txt`,
          planTextBytes: 2048 + i,
        },
      ]),
    ),
    danger: [{ stack: "aws-prod", address: "aws_iam_role.r", reason: "destroys an assumable IAM role" }],
  });

  test("danger first, then access in words, then the stacks; unchanged stacks are a count", () => {
    const md = summaryMarkdown(summary(1, 1));
    expect(md.indexOf("danger flags")).toBeLessThan(md.indexOf("### Access"));
    expect(md.indexOf("### Access")).toBeLessThan(md.indexOf("### Stacks"));
    expect(md).toContain("- **aws-prod** `aws_iam_role.r`: destroys an assumable IAM role");
    expect(md).toContain("- developers may now request qa-0: arn:aws:iam::333333333333:role/r0");
    expect(md).toContain("1000 unchanged");
    expect(md).toContain("| aws-0 | create | 2 | 0 | 0 | 0 | `aws-0.txt` 2.0 KB |");
  });

  test("a --base from the command line is shown as text, not markdown", () => {
    const md = summaryMarkdown({ ...summary(1, 1), base: "x` <!-- hidden" });
    expect(md.split("\n")[0]).toBe("## vault-aws plan against ``x` <!-- hidden``");
  });

  test("long lists fold, so the summary stays readable at 1,000 accounts", () => {
    const md = summaryMarkdown(summary(1000, 2000));
    expect(md).toContain("<details><summary>2000 grants</summary>");
    expect(md).toContain("<details><summary>1000 stacks</summary>");
    expect(md.split("\n").filter((l) => !l.startsWith("- ") && !l.startsWith("| ")).length).toBeLessThan(40);
  });
});

describe("countChanges", () => {
  test("a replacement counts as an add, a destroy and a replace", () => {
    expect(
      countChanges([
        change("a", "a", ["create"]),
        change("a", "b", ["delete", "create"]),
        change("a", "c", ["update"]),
        change("a", "d", ["no-op"]),
      ]),
    ).toEqual({ add: 2, change: 1, destroy: 1, replace: 1 });
  });
});

describe("settingFlags: where credentials and state go", () => {
  const stack = (vault: Record<string, unknown>, backend: Record<string, Record<string, unknown>> = { s3: { bucket: "state" } }) => ({
    provider: { vault: [vault] },
    terraform: { backend },
  });
  test("a changed Vault address is danger: the token would go there", () => {
    const flags = dangerFlags("vault", [], stack({}), stack({ address: "https://evil.example.com" }));
    expect(flags).toEqual([
      { stack: "vault", address: "provider.vault", reason: "changes the vault provider's settings (its address receives VAULT_TOKEN)" },
    ]);
  });
  test("a changed backend is danger", () => {
    const flags = dangerFlags("vault", [], stack({}), stack({}, { s3: { bucket: "elsewhere" } }));
    expect(flags).toEqual([
      { stack: "vault", address: "terraform.backend", reason: "changes the state backend (where this stack's state is read and written)" },
    ]);
  });
  test("a changed AWS provider (the role it assumes) is danger", () => {
    const base = { provider: { aws: [{ assume_role: [{ role_arn: "arn:aws:iam::1:role/a" }] }] } };
    const current = { provider: { aws: [{ assume_role: [{ role_arn: "arn:aws:iam::1:role/b" }] }] } };
    expect(dangerFlags("aws-dev", [], base, current).map((f) => f.address)).toEqual(["provider.aws"]);
  });
  test("unchanged settings raise nothing", () => {
    expect(dangerFlags("vault", [], stack({ address: "https://v" }), stack({ address: "https://v" }))).toEqual([]);
  });
});
