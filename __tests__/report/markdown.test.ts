import { accessChangesMarkdown, accessMarkdown, FOLD_AFTER, foldedList, foldedTable, MARKDOWN_BUDGET } from "../../report/markdown";
import { filterReport } from "../../report/filter";
import { exampleReport, generatedReport } from "./helpers";

describe("accessMarkdown", () => {
  const report = exampleReport();

  test("by requester: a table per requester, privilege marked so a reviewer sees it at a glance", () => {
    const md = accessMarkdown(filterReport(report, { requesters: ["sre"] }), { by: "requester", privileged: false });
    expect(md).toContain("### sre\n\nOn-call SREs: every account, prod included · bound to no identity-provider group");
    expect(md).toContain("| Vault role | account | IAM role | privilege | policies | TTL | external ID |");
    expect(md).toContain(
      "| `prod-ec2-admin` | prod (444444444444) | ec2-admin | 🟠 write | AmazonEC2FullAccess; no inline policy | 30m (max 2h) | external ID required |",
    );
    expect(md).toContain(
      "| `dev-readonly` | dev (222222222222) | readonly | 🟢 read | ReadOnlyAccess; no inline policy | 1h (max 1h) | – |",
    );
  });

  test("a summary first: how far each requester reaches, or who reaches each account group", () => {
    expect(accessMarkdown(report, { by: "requester", privileged: false })).toContain(
      "| requester | accounts | Vault roles | admin grants | write grants | read grants |\n| --- | ---: | ---: | ---: | ---: | ---: |\n| auditors | 2 | 2 | 0 | 0 | 3 |\n| developers | 2 | 4 | 0 | 3 | 1 |\n| sre | 4 | 5 | 0 | 2 | 3 |",
    );
    expect(accessMarkdown(report, { by: "account", privileged: false })).toContain(
      "| name: dev | 1 | auditors, developers, sre | 0 | 1 | 3 |",
    );
  });

  test("by account: a table per account group", () => {
    const md = accessMarkdown(report, { by: "account", privileged: false });
    expect(md).toContain("### name: staging (1 account)");
    expect(md).toContain(
      "| staging (333333333333) | deployer | 🟠 write | no managed policy; inline policy | developers | `staging-deployer` | 1h (max 1h) | – |",
    );
  });

  test("admin is bold and red", () => {
    const md = accessMarkdown(filterReport(generatedReport(8), { privileged: true }), { by: "requester", privileged: true });
    expect(md).toContain("| 🔴 **admin** |");
  });

  test("at 1,000 accounts it stays within a pull-request comment, and says what it left out", () => {
    const big = generatedReport(1000);
    for (const by of ["requester", "account"] as const) {
      const md = accessMarkdown(big, { by, privileged: false });
      expect(md.length).toBeLessThanOrEqual(MARKDOWN_BUDGET);
      expect(md).toMatch(/more rows left out to fit a pull-request comment|more sections left out to fit a pull-request comment/);
    }
  });
});

describe("accessChangesMarkdown (the Access section of a plan summary)", () => {
  const entry = { requester: "developers", vaultRole: "staging-deployer", roleArn: "arn:aws:iam::333333333333:role/deployer" };

  test("grants and revocations in sentences", () => {
    expect(accessChangesMarkdown({ granted: [entry], revoked: [{ ...entry, requester: "sre" }] })).toEqual([
      "Granted (1):\n\n- developers may now request staging-deployer: arn:aws:iam::333333333333:role/deployer",
      "Revoked (1):\n\n- sre may no longer request staging-deployer: arn:aws:iam::333333333333:role/deployer",
    ]);
  });
  test("no change", () => {
    expect(accessChangesMarkdown({ granted: [], revoked: [] })).toEqual(["No requester gains or loses access."]);
  });
  test("a base without an access model is unknown, never empty", () => {
    expect(accessChangesMarkdown(undefined)).toEqual([
      "The base has no access model (`access.json`, written by every synth since this release), so the access change is unknown.",
    ]);
  });
});

describe("folding", () => {
  test(`lists and tables fold past ${FOLD_AFTER} items`, () => {
    const items = Array.from({ length: FOLD_AFTER + 1 }, (_, i) => `item ${i}`);
    expect(foldedList(items.slice(0, FOLD_AFTER), "things")).not.toContain("<details>");
    expect(foldedList(items, "things")).toMatch(/^<details><summary>16 things<\/summary>/);
    expect(
      foldedTable(
        ["a"],
        items.map((i) => [i]),
        "rows",
      ),
    ).toMatch(/^<details><summary>16 rows<\/summary>/);
  });
  test("a cell's | is escaped, and number columns align right", () => {
    expect(foldedTable(["name", "n"], [["a|b", "1"]], "rows", [1])).toBe("| name | n |\n| --- | ---: |\n| a\\|b | 1 |");
  });
});
