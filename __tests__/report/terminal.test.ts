import { filterReport } from "../../report/filter";
import { accessTerminal } from "../../report/terminal";
import { exampleReport, generatedReport } from "./helpers";

describe("accessTerminal", () => {
  const report = exampleReport();
  const plain = { color: false, privileged: false } as const;

  test("by requester: each Vault role with its account and role, policies, TTLs, external ID and exact command", () => {
    const text = accessTerminal(filterReport(report, { requesters: ["sre"], accounts: ["prod"] }), { ...plain, by: "requester" });
    expect(text).toBe(
      [
        "Who can get into what: 1 requester, 1 account, 2 grants (0 admin, 1 write, 1 read)",
        "",
        "sre: On-call SREs: every account, prod included",
        "  bound to no identity-provider group",
        "    prod-ec2-admin  write  prod (444444444444) / ec2-admin",
        "                           AmazonEC2FullAccess; no inline policy · ttl 30m (max 2h) · external ID required",
        "                           vault write aws/sts/prod-ec2-admin ttl=30m",
        "    prod-readonly   read   prod (444444444444) / readonly",
        "                           ReadOnlyAccess; no inline policy · ttl 1h (max 1h) · external ID required",
        "                           vault write aws/sts/prod-readonly ttl=1h",
        "",
      ].join("\n"),
    );
  });

  test("by account: who can get in, through which Vault role, as what", () => {
    const text = accessTerminal(filterReport(report, { accounts: ["staging"] }), { ...plain, by: "account" });
    expect(text).toContain(
      [
        "staging (333333333333) · no tags",
        "  deployer   write  no managed policy; inline policy · no external ID",
        "    developers via staging-deployer · ttl 1h (max 1h)",
        "      vault write aws/sts/staging-deployer ttl=1h",
        "  ec2-admin  write  AmazonEC2FullAccess; no inline policy · no external ID",
        "    developers via staging-ec2-admin · ttl 1h (max 1h)",
      ].join("\n"),
    );
  });

  test("by account: an account nobody can get into says so", () => {
    const none = { ...report, grants: report.grants.filter((g) => g.accountName !== "prod") };
    expect(accessTerminal(none, { ...plain, by: "account" })).toContain("prod (444444444444) · no tags\n  nobody can get in through Vault");
  });

  test("a requester bound to identity-provider groups names them", () => {
    expect(accessTerminal(generatedReport(4), { ...plain, by: "requester" })).toContain("sre: On-call SREs\n  bound to oidc/eng-sre");
  });

  test("--privileged with nothing admin says so rather than printing nothing", () => {
    expect(accessTerminal(filterReport(report, { privileged: true }), { ...plain, privileged: true, by: "requester" })).toBe(
      "Who can get into what: 0 requesters, 0 accounts, 0 grants (0 admin, 0 write, 0 read)\nNo requester can reach an admin-level role.\n",
    );
  });

  test("colours the privilege levels only when asked", () => {
    const admin = filterReport(generatedReport(8), { privileged: true });
    expect(accessTerminal(admin, { ...plain, color: true, by: "requester" })).toContain("\u001b[1;31madmin\u001b[0m");
    expect(accessTerminal(admin, { ...plain, by: "requester" })).not.toContain("\u001b[");
  });
});
