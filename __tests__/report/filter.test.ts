import { AccessFilterError, accessErrors } from "../../report/errors";
import { filterReport, globMatcher } from "../../report/filter";
import { exampleReport, generatedReport } from "./helpers";

describe("globMatcher", () => {
  test("* is any text, ? one character, the rest literal, the whole name, any case", () => {
    expect(globMatcher("dev*")("developers")).toBe(true);
    expect(globMatcher("s?e")("sre")).toBe(true);
    expect(globMatcher("dev")("developers")).toBe(false);
    expect(globMatcher("a.b")("axb")).toBe(false);
    expect(globMatcher("PROD")("prod")).toBe(true);
  });
});

describe("filterReport", () => {
  const report = exampleReport();

  test("no filter keeps everything", () => {
    expect(filterReport(report, {})).toEqual(report);
  });

  test("--requester keeps that requester's grants, and only the accounts it can get into", () => {
    const only = filterReport(report, { requesters: ["developers"] });
    expect(only.requesters.map((r) => r.name)).toEqual(["developers"]);
    expect(new Set(only.grants.map((g) => g.requester))).toEqual(new Set(["developers"]));
    expect(only.accounts.map((a) => a.name)).toEqual(["dev", "staging"]);
  });

  test("--account takes names, ids and globs", () => {
    expect(filterReport(report, { accounts: ["prod"] }).accounts.map((a) => a.name)).toEqual(["prod"]);
    expect(filterReport(report, { accounts: ["333333333333"] }).accounts.map((a) => a.name)).toEqual(["staging"]);
    expect(filterReport(report, { accounts: ["p*"] }).accounts.map((a) => a.name)).toEqual(["primary", "prod"]);
  });

  test("--account alone keeps an account nobody can get into", () => {
    const none = { ...report, grants: report.grants.filter((g) => g.accountName !== "prod") };
    expect(filterReport(none, { accounts: ["prod"] }).accounts.map((a) => a.name)).toEqual(["prod"]);
  });

  test("--tag keeps accounts carrying one of the tags", () => {
    const big = filterReport(generatedReport(40), { tags: ["prod"] });
    expect(big.accounts.length).toBeGreaterThan(0);
    expect(big.accounts.every((a) => a.tags.includes("prod"))).toBe(true);
    expect(big.grants.every((g) => g.accountTags.includes("prod"))).toBe(true);
  });

  test("--privileged keeps only admin-level grants, and the requesters and accounts they reach", () => {
    const admin = filterReport(generatedReport(60), { privileged: true });
    expect(admin.grants.length).toBeGreaterThan(0);
    expect(admin.grants.every((g) => g.privilege === "admin")).toBe(true);
    expect(admin.requesters.map((r) => r.name)).toEqual(["developers", "incident-response", "platform"]);
    expect(new Set(admin.accounts.map((a) => a.name))).toEqual(new Set(admin.grants.map((g) => g.accountName)));
  });

  test("--privileged on the example keeps nothing: no role there is admin", () => {
    expect(filterReport(report, { privileged: true })).toEqual({ requesters: [], accounts: [], grants: [] });
  });

  test("--account keeps only the requesters that can get into those accounts", () => {
    expect(filterReport(report, { accounts: ["prod"] }).requesters.map((r) => r.name)).toEqual(["sre"]);
  });

  test("filters combine: every one must hold", () => {
    const both = filterReport(report, { requesters: ["sre"], accounts: ["prod"] });
    expect(both.grants.map((g) => g.vaultRole)).toEqual(["prod-ec2-admin", "prod-readonly"]);
  });
});

describe("a filter that matches nothing is an error naming the flag, the value and what exists", () => {
  const report = exampleReport();
  const message = (filter: Parameters<typeof filterReport>[1], r = report) => {
    try {
      filterReport(r, filter);
    } catch (error) {
      expect(error).toBeInstanceOf(AccessFilterError);
      return (error as Error).message;
    }
    throw new Error("no error");
  };

  test("a requester, with the one it most likely meant", () => {
    expect(message({ requesters: ["devs"] })).toBe(
      "--requester devs matches no requester (did you mean developers?); the requesters are: auditors, developers, sre",
    );
  });
  test("a requester nothing is close to gets no guess", () => {
    expect(message({ requesters: ["xyz"] })).toBe("--requester xyz matches no requester; the requesters are: auditors, developers, sre");
  });
  test("an account, matched on name or id", () => {
    expect(message({ accounts: ["stagin"] })).toBe(
      "--account stagin matches no account name or id (did you mean staging?); the accounts are: primary, dev, staging, prod",
    );
  });
  test("a glob gets no guess", () => {
    expect(message({ accounts: ["5555*"] })).toBe(
      "--account 5555* matches no account name or id; the accounts are: primary, dev, staging, prod",
    );
  });
  test("a long list is cut after twelve names", () => {
    expect(message({ accounts: ["nope"] }, generatedReport(20))).toBe(
      "--account nope matches no account name or id; the accounts are: primary, acct-0001, acct-0002, acct-0003, acct-0004, acct-0005, acct-0006, acct-0007, acct-0008, acct-0009, acct-0010, acct-0011 and 8 more",
    );
  });
  test("a tag when no account has one", () => {
    expect(message({ tags: ["eu"] })).toBe("--tag eu matches no tag: there is no tag in the config");
  });
  test("a tag, with the tags there are", () => {
    expect(message({ tags: ["prd"] }, generatedReport(20))).toBe(
      "--tag prd matches no tag (did you mean prod?); the tags are: ap, dev, eu, prod, sandbox, shared, staging, us",
    );
  });
  test("each pattern must match: one good value does not excuse a typo", () => {
    expect(message({ requesters: ["sre", "audtors"] })).toBe(
      "--requester audtors matches no requester (did you mean auditors?); the requesters are: auditors, developers, sre",
    );
  });
  test("the factory's text", () => {
    expect(accessErrors.noMatch("--requester", "x", "requester", []).message).toBe(
      "--requester x matches no requester: there is no requester in the config",
    );
  });
});
