import { type CheckovReport, type CheckovResult, summarizeCheckovReport } from "../../scripts/checkov-summary";

const counts = { passed: 53, failed: 0, skipped: 0, parsing_errors: 0 };
const failure = (id: string, stack: string, resource: string): CheckovResult => ({
  check_id: id,
  check_name: `check ${id}`,
  resource,
  file_path: `/${stack}/cdk.tf.json`,
});

describe("summarizeCheckovReport", () => {
  test("a report with no failure passes, in one line", () => {
    expect(summarizeCheckovReport({ summary: counts }, "example")).toEqual({
      ok: true,
      lines: ["example: 53 passed, 0 failed, 0 skipped"],
    });
  });
  test("failed checks fail, each listed once with its resources in file order", () => {
    const report: CheckovReport = {
      summary: { ...counts, failed: 3 },
      results: {
        failed_checks: [
          failure("CKV_B", "aws-dev", "resource.b"),
          failure("CKV_A", "aws-prod", "resource.a"),
          failure("CKV_A", "aws-dev", "resource.a"),
        ],
      },
    };
    expect(summarizeCheckovReport(report, "example")).toEqual({
      ok: false,
      lines: [
        "example: 53 passed, 3 failed, 0 skipped",
        '  FAILED CKV_A "check CKV_A" on 2: aws-dev/cdk.tf.json resource.a, aws-prod/cdk.tf.json resource.a',
        '  FAILED CKV_B "check CKV_B" on 1: aws-dev/cdk.tf.json resource.b',
      ],
    });
  });
  test("past five resources, the rest of a check's failures are counted", () => {
    const failed = Array.from({ length: 7 }, (_, i) => failure("CKV_A", `aws-${i}`, "resource.r"));
    const { lines } = summarizeCheckovReport({ summary: { ...counts, failed: 7 }, results: { failed_checks: failed } }, "big");
    expect(lines[1]).toMatch(/ on 7: aws-0\/cdk\.tf\.json resource\.r, .*aws-4\/cdk\.tf\.json resource\.r, and 2 more$/);
  });
  test("a file checkov could not parse fails the scan", () => {
    expect(summarizeCheckovReport({ summary: { ...counts, parsing_errors: 1 } }, "example")).toEqual({
      ok: false,
      lines: ["example: 53 passed, 0 failed, 0 skipped", "  checkov could not parse 1 file(s)"],
    });
  });
  test("a scan that ran no check fails", () => {
    expect(summarizeCheckovReport({ summary: { ...counts, passed: 0 } }, "example")).toEqual({
      ok: false,
      lines: ["example: checkov ran no check: nothing was scanned"],
    });
  });
  test("a report of several frameworks is refused", () => {
    expect(summarizeCheckovReport([{ summary: counts }, { summary: counts }], "example")).toEqual({
      ok: false,
      lines: ["example: expected the report of one framework, got 2"],
    });
  });
});
