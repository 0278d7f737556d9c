import { loadConfig } from "../../lib/config/load";
import { buildModel } from "../../lib/model";
import { generatedSetConfig } from "../../lib/config/generated";
import {
  accessReport,
  accountGroup,
  accountGroups,
  grantsByAccount,
  grantsByRequester,
  policyShortName,
  privilegeCounts,
} from "../../report/access-report";
import { modelOf } from "../helpers";
import { exampleReport, generatedReport } from "./helpers";

describe("accessReport", () => {
  const report = exampleReport();

  test("holds the requesters some role names, with their descriptions and bound groups", () => {
    expect(report.requesters).toEqual([
      { name: "auditors", description: "Security and compliance reviewers: read-only roles", externalGroups: [] },
      { name: "developers", description: "Application developers: dev and staging only", externalGroups: [] },
      { name: "sre", description: "On-call SREs: every account, prod included", externalGroups: [] },
    ]);
  });

  test("holds every account in config order, with its group", () => {
    expect(report.accounts.map((a) => [a.name, a.id, a.group])).toEqual([
      ["primary", "111111111111", "name: primary"],
      ["dev", "222222222222", "name: dev"],
      ["staging", "333333333333", "name: staging"],
      ["prod", "444444444444", "name: prod"],
    ]);
  });

  test("its grants are the access model's, not computed again", () => {
    expect(report.grants).toHaveLength(12);
    expect(privilegeCounts(report.grants)).toEqual({ read: 7, write: 5, admin: 0 });
  });

  test("accounts without tags that take role sets are grouped by them", () => {
    const report = accessReport(modelOf(generatedSetConfig(4)));
    expect(report.accounts.map((a) => [a.name, a.roleSets, a.group])).toEqual([
      ["primary", ["even"], "role sets: even"],
      ["account-0001", ["odd"], "role sets: odd"],
      ["account-0002", ["even"], "role sets: even"],
      ["account-0003", ["odd"], "role sets: odd"],
    ]);
  });

  test("examples/org-scale.yaml: tagged accounts are grouped by all their tags, their role sets aside", () => {
    const accounts = accessReport(buildModel(loadConfig("examples/org-scale.yaml"))).accounts;
    expect(accounts.find((a) => a.name === "primary")).toMatchObject({ tags: ["shared"], roleSets: ["baseline"], group: "tags: shared" });
    expect(accounts.every((a) => a.group === `tags: ${[...a.tags].sort().join(", ")}`)).toBe(true);
  });

  test("bound identity-provider groups show as <authMount>/<group>", () => {
    expect(generatedReport(4).requesters.find((r) => r.name === "sre")?.externalGroups).toEqual(["oidc/eng-sre"]);
  });
});

describe("accountGroup", () => {
  test("an account with tags is grouped by all of them, sorted, whatever its role sets", () => {
    expect(accountGroup({ name: "acct-1", tags: ["prod", "eu"], roleSets: ["baseline"] })).toBe("tags: eu, prod");
  });
  test("an account without tags is grouped by its role sets, in its order", () => {
    expect(accountGroup({ name: "acct-1", tags: [], roleSets: ["nonprod", "baseline"] })).toBe("role sets: nonprod, baseline");
  });
  test("an account with neither is grouped by its name before the first -", () => {
    expect(accountGroup({ name: "team-a-dev", tags: [], roleSets: [] })).toBe("name: team-*");
  });
  test("an account with neither and no - is a group of its own name", () => {
    expect(accountGroup({ name: "primary", tags: [], roleSets: [] })).toBe("name: primary");
  });
});

describe("accountGroups", () => {
  test("groups in alphabetical order, accounts in config order within each", () => {
    const groups = accountGroups([
      { name: "b-2", id: "2", tags: [], roleSets: [], group: "name: b-*" },
      { name: "a", id: "1", tags: ["x"], roleSets: [], group: "tags: x" },
      { name: "b-1", id: "3", tags: [], roleSets: [], group: "name: b-*" },
    ]);
    expect(groups.map((g) => [g.group, g.accounts.map((a) => a.name)])).toEqual([
      ["name: b-*", ["b-2", "b-1"]],
      ["tags: x", ["a"]],
    ]);
  });

  test("the 1,000-account fixture makes 12 tag groups, the untagged legacy accounts and the broker's", () => {
    const groups = accountGroups(generatedReport(1000).accounts);
    expect(groups).toHaveLength(14);
    expect(groups.find((g) => g.group === "name: legacy-*")?.accounts).toHaveLength(10);
  });
});

describe("grantsByRequester and grantsByAccount", () => {
  const report = exampleReport();

  test("each requester with its grants", () => {
    expect(grantsByRequester(report).map(({ requester, grants }) => [requester.name, grants.length])).toEqual([
      ["auditors", 3],
      ["developers", 4],
      ["sre", 5],
    ]);
  });

  test("each account with the grants into it, by IAM role then requester", () => {
    const dev = grantsByAccount(report).find((a) => a.account.name === "dev")!;
    expect(dev.grants.map((g) => `${g.roleName} ${g.requester} ${g.vaultRole}`)).toEqual([
      "ec2-admin developers dev-ec2-admin",
      "readonly auditors readonly-nonprod",
      "readonly developers dev-readonly",
      "readonly sre dev-readonly",
    ]);
  });

  test("an account nobody can get into is listed with no grants", () => {
    const report = exampleReport();
    const withoutPrimary = { ...report, grants: report.grants.filter((g) => g.accountName !== "primary") };
    expect(grantsByAccount(withoutPrimary)[0]).toEqual({ account: report.accounts[0], grants: [] });
  });
});

describe("policyShortName", () => {
  test("drops the ARN and the path", () => {
    expect(policyShortName("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess")).toBe("ViewOnlyAccess");
    expect(policyShortName("arn:aws:iam::aws:policy/ReadOnlyAccess")).toBe("ReadOnlyAccess");
  });
});
