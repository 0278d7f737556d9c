import { copyFileSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../lib/config/load";
import { type ImportAccountsOptions, importAccounts } from "../../cli/commands/import-accounts";
import type { OrgAccount, OrganizationView } from "../../pipeline/import-plan";

const ROOT = join(__dirname, "..", "..");
const ORG_ID = "o-a1b2c3d4e5";

const account = (id: string, name: string, state = "ACTIVE"): OrgAccount => ({ id, name, state });

/** The organization of examples/org-scale.yaml, less two of its accounts, plus new ones. */
function organization(extra: OrgAccount[], drop = ["280000000003", "111111111116"]): OrganizationView {
  const config = parseConfig(readFileSync(join(ROOT, "examples", "org-scale.yaml"), "utf8"), "org-scale.yaml");
  const accounts = [...config.accounts.filter((a) => !drop.includes(a.id)).map((a) => account(a.id, a.name)), ...extra];
  return { organizationId: ORG_ID, accounts, inScope: new Set(accounts.map((a) => a.id)) };
}

/** A copy of an example config in a fresh folder, and a run of the command on it with a given organization. */
function setup(example = join(ROOT, "examples", "org-scale.yaml")) {
  const dir = mkdtempSync(join(tmpdir(), "vama-import-"));
  const file = join(dir, "accounts.yaml");
  copyFileSync(example, file);
  const original = readFileSync(file, "utf8");
  const out: string[] = [];
  const err: string[] = [];
  const asked: (readonly string[])[] = [];
  const run = (org: OrganizationView, options: Partial<ImportAccountsOptions> = {}) =>
    importAccounts(
      { configFile: file, ous: [], roleSets: [], tags: [], setOrganizationId: false, dryRun: false, ...options },
      {
        readOrganization: async (ous) => {
          asked.push(ous);
          return org;
        },
        log: (line) => out.push(line),
        note: (line) => err.push(line),
      },
    );
  return { dir, file, original, out, err, asked, run };
}

/** Runs `fn` and returns the message of the error it throws. */
async function messageOf(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected an error");
}

const newAccounts = [
  account("310000000001", "Payments Dev"),
  account("310000000002", "Search QA"),
  account("310000000003", "Old Sandbox", "SUSPENDED"),
];

describe("import-accounts", () => {
  test("appends the new ACTIVE accounts and reports what it added, skipped and found missing", async () => {
    const t = setup();
    expect(await t.run(organization(newAccounts), { roleSets: ["baseline", "nonprod"], tags: ["nonprod"] })).toBe(0);
    const text = readFileSync(t.file, "utf8");
    const insertAt = t.original.indexOf("\nvaultRoles:");
    expect(text).toBe(
      t.original.slice(0, insertAt) +
        '  - { name: payments-dev-2,    id: "310000000001", tags: [nonprod], roleSets: [baseline, nonprod] }\n' +
        '  - { name: search-qa,         id: "310000000002", tags: [nonprod], roleSets: [baseline, nonprod] }\n' +
        t.original.slice(insertAt),
    );
    expect(t.out).toEqual([
      `added 2 accounts to ${t.file}:`,
      '  payments-dev-2  310000000001, named from "Payments Dev": made lowercase letters, digits and inner hyphens; "payments-dev" is taken by accounts[6] (210000000001)',
      '  search-qa       310000000002, named from "Search QA": made lowercase letters, digits and inner hyphens',
      "skipped 29 accounts:",
      '  310000000003 "Old Sandbox": SUSPENDED, only ACTIVE accounts are imported',
      `  28 accounts already in ${t.file} (matched by id): primary, security, logging, network, sandbox, payments-dev, payments-staging, payments-prod, identity-dev, identity-staging, identity-prod, search-dev, search-staging, search-prod, data-dev, data-staging, data-prod, checkout-dev, checkout-staging, checkout-prod … and 8 more`,
      `not in organization ${ORG_ID}, kept in ${t.file} (remove an account that has left by hand):`,
      "  accounts[4] backup (111111111116)",
      "  accounts[29] analytics-prod (280000000003)",
    ]);
    expect(t.err).toEqual([`wrote ${t.file}`]);
    // The accounts that left are still there.
    expect(parseConfig(text, t.file).accounts.map((a) => a.name)).toEqual(
      expect.arrayContaining(["backup", "analytics-prod", "payments-dev-2", "search-qa"]),
    );
    expect(readdirSync(t.dir)).toEqual(["accounts.yaml"]);
  });

  test("--dry-run prints the report and the diff, writes nothing, and exits 2", async () => {
    const t = setup();
    const mtime = statSync(t.file).mtimeMs;
    expect(await t.run(organization(newAccounts, []), { dryRun: true, setOrganizationId: true })).toBe(2);
    expect(readFileSync(t.file, "utf8")).toBe(t.original);
    expect(statSync(t.file).mtimeMs).toBe(mtime);
    expect(readdirSync(t.dir)).toEqual(["accounts.yaml"]);
    const diff = t.out.slice(t.out.findIndex((line) => line.startsWith("--- ")));
    expect(diff.join("\n")).toBe(
      [
        `--- ${t.file}`,
        `+++ ${t.file}`,
        "@@ -8,8 +8,9 @@",
        "   maxTtl: 2h",
        " ",
        " broker:",
        "   account: primary",
        `+  organizationId: ${ORG_ID}`,
        " ",
        " requesters:",
        '   developers: { description: "Application developers: non-production accounts" }',
        '   payments-devs: { description: "The payments team: its own accounts, production read-only" }',
        "@@ -84,8 +85,10 @@",
        '   - { name: ml-prod,           id: "270000000003", tags: [prod, ml], roleSets: [baseline, prod] }',
        '   - { name: analytics-dev,     id: "280000000001", tags: [nonprod, analytics], roleSets: [baseline, nonprod] }',
        '   - { name: analytics-staging, id: "280000000002", tags: [nonprod, analytics], roleSets: [baseline, nonprod] }',
        '   - { name: analytics-prod,    id: "280000000003", tags: [prod, analytics], roleSets: [baseline, prod] }',
        '+  - { name: payments-dev-2,    id: "310000000001" }',
        '+  - { name: search-qa,         id: "310000000002" }',
        " ",
        " vaultRoles:",
        "   # One Vault role over every non-production account's readonly role; a new account tagged nonprod",
        "   # joins it in place. Requesters pick the account with role_arn=...",
      ].join("\n"),
    );
    expect(t.out.slice(0, 2)).toEqual([
      `would add 2 accounts to ${t.file}:`,
      '  payments-dev-2  310000000001, named from "Payments Dev": made lowercase letters, digits and inner hyphens; "payments-dev" is taken by accounts[6] (210000000001)',
    ]);
    expect(t.out).toContain(`broker.organizationId: would be set to ${ORG_ID}`);
    expect(t.err).toEqual([`dry run: ${t.file} was not written`]);
  });

  test("nothing new: the file is untouched and the run exits 0, dry or not", async () => {
    const t = setup();
    for (const dryRun of [false, true]) {
      expect(await t.run(organization([], []), { dryRun })).toBe(0);
      expect(t.out.at(-1)).toBe(`${t.file} is up to date: nothing to add`);
    }
    expect(readFileSync(t.file, "utf8")).toBe(t.original);
  });

  test("an organization that has none of the file's accounts: the report asks whether the credentials are the right ones", async () => {
    const t = setup();
    await t.run(
      { organizationId: ORG_ID, accounts: [account("310000000002", "Search QA")], inScope: new Set(["310000000002"]) },
      { dryRun: true },
    );
    expect(t.out[t.out.indexOf("  accounts[29] analytics-prod (280000000003)") + 1]).toBe(
      `  (none of the file's accounts is in organization ${ORG_ID}: are these the credentials of the right organization? AWS_PROFILE picks them)`,
    );
  });

  test("a file edited while the organization was being read is not overwritten", async () => {
    const t = setup();
    const org = organization(newAccounts);
    const message = await messageOf(() =>
      importAccounts(
        { configFile: t.file, ous: [], roleSets: [], tags: [], setOrganizationId: false, dryRun: false },
        {
          readOrganization: async () => {
            writeFileSync(t.file, `${t.original}# edited meanwhile\n`);
            return org;
          },
          log: () => undefined,
          note: () => undefined,
        },
      ),
    );
    expect(message).toBe(`${t.file} changed since it was read; nothing was written: run the command again`);
    expect(readFileSync(t.file, "utf8")).toBe(`${t.original}# edited meanwhile\n`);
  });

  test("--ou is passed to the organization reader", async () => {
    const t = setup();
    await t.run(organization([], []), { ous: ["ou-ab12-cdef3456", "r-ab12"] });
    expect(t.asked).toEqual([["ou-ab12-cdef3456", "r-ab12"]]);
  });

  test("a role set the file does not define is refused, naming the sets it has, before AWS is asked", async () => {
    const t = setup();
    const message = await messageOf(() => t.run(organization(newAccounts), { roleSets: ["baseline", "nonprd", "qa"] }));
    expect(message).toBe(
      [
        `--role-sets: "nonprd" is not a role set: did you mean "nonprod"? The role sets are baseline, nonprod, prod (the roleSets: at ${t.file}:22:3)`,
        `--role-sets: "qa" is not a role set: did you mean "prod"? The role sets are baseline, nonprod, prod (the roleSets: at ${t.file}:22:3)`,
      ].join("\n"),
    );
    expect(t.asked).toEqual([]);
    expect(readFileSync(t.file, "utf8")).toBe(t.original);
  });

  test("a role set given to a file without roleSets: says there is none", async () => {
    const t = setup(join(ROOT, "accounts.yaml"));
    expect(await messageOf(() => t.run(organization([]), { roleSets: ["baseline"] }))).toBe(
      `--role-sets: "baseline" is not a role set: there is no roleSets: section; define the set there (${t.file})`,
    );
  });

  test("--set-organization-id writes broker.organizationId when the file has none, and leaves an equal one alone", async () => {
    const t = setup();
    expect(await t.run(organization([], []), { setOrganizationId: true })).toBe(0);
    expect(readFileSync(t.file, "utf8")).toBe(
      t.original.replace("broker:\n  account: primary\n", `broker:\n  account: primary\n  organizationId: ${ORG_ID}\n`),
    );
    expect(t.out).toEqual([expect.stringMatching(/^skipped 30 accounts:$/), expect.any(String), `broker.organizationId: set to ${ORG_ID}`]);
    const written = readFileSync(t.file, "utf8");
    expect(await t.run(organization([], []), { setOrganizationId: true })).toBe(0);
    expect(readFileSync(t.file, "utf8")).toBe(written);
  });

  test("credentials of another organization than broker.organizationId are refused, nothing written", async () => {
    const t = setup();
    writeFileSync(
      t.file,
      t.original.replace("broker:\n  account: primary\n", "broker:\n  account: primary\n  organizationId: o-zzzzzzzzzz\n"),
    );
    const before = readFileSync(t.file, "utf8");
    expect(await messageOf(() => t.run(organization(newAccounts)))).toBe(
      `${t.file}:12:19: broker.organizationId: "o-zzzzzzzzzz" is not the organization these credentials reach (${ORG_ID}): nothing was imported; check AWS_PROFILE, or correct broker.organizationId`,
    );
    expect(readFileSync(t.file, "utf8")).toBe(before);
  });

  test("an import that would make the file invalid writes nothing, and says why", async () => {
    // "payments" has a role "dev-readonly"; an imported "payments-dev" with the baseline set's
    // "readonly" role would make the same Vault role name, payments-dev-readonly.
    const t = setup(join(ROOT, "accounts.yaml"));
    const text = t.original.replace(
      '  - name: dev\n    id: "222222222222"\n    roles:\n',
      '  - name: payments\n    id: "555555555555"\n    roles:\n      - name: dev-readonly\n        managedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n  - name: dev\n    id: "222222222222"\n    roles:\n',
    );
    writeFileSync(
      t.file,
      `roleSets:\n  baseline:\n    - name: readonly\n      managedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n${text}`,
    );
    const before = readFileSync(t.file, "utf8");
    const message = await messageOf(() =>
      t.run(
        { organizationId: ORG_ID, accounts: [account("610000000001", "Payments Dev")], inScope: new Set(["610000000001"]) },
        { roleSets: ["baseline"] },
      ),
    );
    expect(message).toBe(
      [
        `the imported accounts would make ${t.file} invalid; nothing was written (positions are in the file as it would be: --dry-run shows it):`,
        `  ${t.file}:84:16: accounts[5] (payments-dev).roleSets[0]: makes the Vault role name "payments-dev-readonly", which accounts[1].roles[0].name already makes: "<account>-<role>" and vaultRoles names must all differ`,
      ].join("\n"),
    );
    expect(readFileSync(t.file, "utf8")).toBe(before);
    expect(readdirSync(t.dir)).toEqual(["accounts.yaml"]);
    expect(t.out).toEqual([]);
  });
});
