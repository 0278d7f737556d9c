import { type OrgAccount, type OrganizationView, planImport } from "../../pipeline/import-plan";

const account = (id: string, name: string, state = "ACTIVE"): OrgAccount => ({ id, name, state });

/** An organization whose accounts are all in scope unless `inScope` says otherwise. */
function org(accounts: OrgAccount[], inScope?: string[]): OrganizationView {
  return { organizationId: "o-abcdefghij", accounts, inScope: new Set(inScope ?? accounts.map((a) => a.id)) };
}

const config = [
  { name: "primary", id: "111111111111" },
  { name: "payments-dev", id: "210000000001" },
  { name: "legacy", id: "999999999999" },
];
const defaults = { tags: [], roleSets: [] };

describe("planImport", () => {
  test("an ACTIVE account the config lacks is added with the given tags and role sets", () => {
    const plan = planImport(org([account("111111111111", "Primary"), account("300000000001", "Search Dev")]), config.slice(0, 1), {
      tags: ["nonprod"],
      roleSets: ["baseline", "nonprod"],
    });
    expect(plan.added).toEqual([
      {
        id: "300000000001",
        orgName: "Search Dev",
        name: "search-dev",
        changes: ["made lowercase letters, digits and inner hyphens"],
        tags: ["nonprod"],
        roleSets: ["baseline", "nonprod"],
      },
    ]);
  });

  test("an account already in the config is matched by id, whatever either side calls it, and left out", () => {
    const plan = planImport(org([account("111111111111", "Management Account")]), config.slice(0, 1), defaults);
    expect(plan.added).toEqual([]);
    expect(plan.present).toEqual([{ name: "primary", id: "111111111111", index: 0, orgName: "Management Account" }]);
  });

  test.each(["SUSPENDED", "PENDING_CLOSURE", "CLOSED", "PENDING_ACTIVATION"])("a %s account is left out, with its state", (state) => {
    const plan = planImport(org([account("400000000004", "old-sandbox", state)]), config.slice(0, 1), defaults);
    expect(plan.added).toEqual([]);
    expect(plan.inactive).toEqual([account("400000000004", "old-sandbox", state)]);
  });

  test("only accounts in scope (under the OUs asked for) are imported", () => {
    const plan = planImport(
      org([account("300000000001", "in-ou"), account("300000000002", "elsewhere")], ["300000000001"]),
      config.slice(0, 1),
      defaults,
    );
    expect(plan.added.map((a) => a.name)).toEqual(["in-ou"]);
    expect(plan.inactive).toEqual([]);
  });

  test("a config account the organization does not list is reported, with its index", () => {
    const plan = planImport(org([account("111111111111", "primary"), account("210000000001", "payments-dev")]), config, defaults);
    expect(plan.notInOrganization).toEqual([{ name: "legacy", id: "999999999999", index: 2 }]);
  });

  test("none of the config's accounts in the organization: said, as the credentials are likely another organization's", () => {
    expect(planImport(org([account("300000000001", "other")]), config, defaults).noneInOrganization).toBe(true);
    expect(planImport(org([account("999999999999", "legacy")]), config, defaults).noneInOrganization).toBe(false);
  });

  test("a config account outside the OUs asked for is still in the organization: not reported", () => {
    const plan = planImport(
      org([account("111111111111", "primary"), account("210000000001", "payments-dev"), account("999999999999", "legacy")], []),
      config,
      defaults,
    );
    expect(plan.notInOrganization).toEqual([]);
    expect(plan.present).toEqual([]);
  });

  test("a config account the organization lists as not ACTIVE is reported and kept", () => {
    const plan = planImport(
      org([account("111111111111", "primary"), account("210000000001", "payments-dev", "SUSPENDED"), account("999999999999", "legacy")]),
      config,
      defaults,
    );
    expect(plan.inactiveInConfig).toEqual([{ name: "payments-dev", id: "210000000001", index: 1, state: "SUSPENDED" }]);
    expect(plan.inactive).toEqual([]);
  });

  test("a new account whose name the config has is suffixed, naming the entry that holds it", () => {
    const plan = planImport(org([account("300000000003", "Payments Dev")]), config, defaults);
    expect(plan.added.map((a) => [a.name, a.changes])).toEqual([
      ["payments-dev-2", ["made lowercase letters, digits and inner hyphens", '"payments-dev" is taken by accounts[1] (210000000001)']],
    ]);
  });
});
