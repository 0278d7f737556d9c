import { ACCOUNT_NAME, ACCOUNT_NAME_MAX } from "../../lib/config/schema";
import { accountSlug, nameAccounts } from "../../pipeline/account-names";

describe("accountSlug", () => {
  test.each([
    ["payments-dev", "payments-dev"],
    ["Payments Dev", "payments-dev"],
    ["ACME – Prod (EU)", "acme-prod-eu"],
    ["payments_dev.2", "payments-dev-2"],
    ["Café Ñandú", "cafe-nandu"],
    ["--Log  Archive--", "log-archive"],
    ["Über    Team", "uber-team"],
  ])("%j becomes %j", (orgName, slug) => {
    expect(accountSlug(orgName)).toBe(slug);
  });

  test.each(["日本", "   ", "---", "", "🙂"])("%j has nothing to keep: empty", (orgName) => {
    expect(accountSlug(orgName)).toBe("");
  });

  test("a long name is cut to the maximum, without a hyphen at the cut", () => {
    const orgName = `${"a".repeat(ACCOUNT_NAME_MAX - 1)} tail of the name`;
    expect(accountSlug(orgName)).toBe("a".repeat(ACCOUNT_NAME_MAX - 1));
    expect(accountSlug("b".repeat(60))).toBe("b".repeat(ACCOUNT_NAME_MAX));
  });

  test("every non-empty slug is a valid account name", () => {
    const names = [
      "Payments Dev",
      "ACME – Prod (EU)",
      "Café",
      `${"x".repeat(39)}-y`,
      "a".repeat(100),
      "9 Lives",
      "-a-",
      "A.B.C",
      "Ωmega 1",
    ];
    for (const name of names) expect([name, ACCOUNT_NAME.safeParse(accountSlug(name)).success]).toEqual([name, true]);
  });
});

describe("nameAccounts", () => {
  const none = new Map<string, string>();

  test("keeps an organization name that is already a valid config name, and says nothing", () => {
    expect(nameAccounts([{ id: "111111111111", orgName: "security" }], none)).toEqual([
      { id: "111111111111", orgName: "security", name: "security", changes: [] },
    ]);
  });

  test("says where it had to change a name", () => {
    expect(nameAccounts([{ id: "111111111111", orgName: "Log Archive" }], none)).toEqual([
      { id: "111111111111", orgName: "Log Archive", name: "log-archive", changes: ["made lowercase letters, digits and inner hyphens"] },
    ]);
  });

  test("two names that collide as slugs: the one that is already a config name keeps it, the other gets -2", () => {
    const accounts = [
      { id: "200000000002", orgName: "Payments Dev" },
      { id: "900000000009", orgName: "payments-dev" },
    ];
    const expected = [
      { id: "900000000009", orgName: "payments-dev", name: "payments-dev", changes: [] },
      {
        id: "200000000002",
        orgName: "Payments Dev",
        name: "payments-dev-2",
        changes: [
          "made lowercase letters, digits and inner hyphens",
          '"payments-dev" is taken by 900000000009 "payments-dev", imported too',
        ],
      },
    ];
    expect(nameAccounts(accounts, none)).toEqual(expected);
    expect(nameAccounts([...accounts].reverse(), none)).toEqual(expected);
  });

  test("among names that all change, the lower id gets the plain name, whatever the order given", () => {
    const accounts = [
      { id: "300000000003", orgName: "Payments  Dev" },
      { id: "100000000001", orgName: "PAYMENTS DEV" },
    ];
    const names = (list: { id: string; name: string }[]) => list.map((a) => [a.id, a.name]);
    expect(names(nameAccounts(accounts, none))).toEqual([
      ["100000000001", "payments-dev"],
      ["300000000003", "payments-dev-2"],
    ]);
    expect(names(nameAccounts([...accounts].reverse(), none))).toEqual([
      ["100000000001", "payments-dev"],
      ["300000000003", "payments-dev-2"],
    ]);
  });

  test("a name the config already has gets the first free suffix, and the report names the holder", () => {
    const taken = new Map([
      ["payments-dev", "accounts[6] (210000000001)"],
      ["payments-dev-2", "accounts[7] (210000000002)"],
    ]);
    expect(nameAccounts([{ id: "333333333333", orgName: "payments-dev" }], taken)).toEqual([
      {
        id: "333333333333",
        orgName: "payments-dev",
        name: "payments-dev-3",
        changes: ['"payments-dev" is taken by accounts[6] (210000000001)'],
      },
    ]);
  });

  test("a suffix on a name of the maximum length cuts the name, not the suffix", () => {
    const long = "c".repeat(ACCOUNT_NAME_MAX);
    const [named] = nameAccounts([{ id: "444444444444", orgName: long }], new Map([[long, "accounts[0] (111111111111)"]]));
    expect(named.name).toBe(`${"c".repeat(ACCOUNT_NAME_MAX - 2)}-2`);
    expect(ACCOUNT_NAME.safeParse(named.name).success).toBe(true);
  });

  test("a name longer than the maximum is shortened, and says so", () => {
    const orgName = `Platform Engineering Shared Services Production Europe`;
    expect(nameAccounts([{ id: "555555555555", orgName }], none)).toEqual([
      {
        id: "555555555555",
        orgName,
        name: "platform-engineering-shared-services-pro",
        changes: ["made lowercase letters, digits and inner hyphens", `shortened to ${ACCOUNT_NAME_MAX} characters`],
      },
    ]);
  });

  test("a name with no letters or digits is named after the account id", () => {
    expect(nameAccounts([{ id: "666666666666", orgName: "日本" }], none)).toEqual([
      {
        id: "666666666666",
        orgName: "日本",
        name: "account-666666666666",
        changes: ['"日本" has no letters or digits to keep: named after the account id'],
      },
    ]);
  });

  test("the result is sorted by name", () => {
    const named = nameAccounts(
      [
        { id: "100000000001", orgName: "zeta" },
        { id: "100000000002", orgName: "alpha" },
        { id: "100000000003", orgName: "Mid" },
      ],
      none,
    );
    expect(named.map((a) => a.name)).toEqual(["alpha", "mid", "zeta"]);
  });
});
