import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { ConfigError, loadConfig } from "../../lib/config/load";
import { configWarnings } from "../../lib/config/warnings";
import { buildModel } from "../../lib/model";
import { stackFiles } from "../../run/synth-output";
import { synthesize } from "../../synth";
import { configOf } from "../helpers";

const readonly = { name: "readonly", managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], requesters: ["sre"] };
const developer = {
  name: "developer",
  managedPolicyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"],
  defaultTtl: "30m",
  requesters: ["developers"],
};
const requesters = {
  developers: { description: "Application developers" },
  sre: { description: "On-call SREs" },
  auditors: { description: "Reviewers" },
};

/** The same estate written out in full... */
const fullForm = {
  broker: { account: "primary" },
  requesters,
  accounts: [
    { name: "primary", id: "111111111111", roles: [readonly] },
    { name: "payments-dev", id: "222222222222", tags: ["nonprod"], roles: [readonly, developer] },
    {
      name: "payments-prod",
      id: "333333333333",
      tags: ["prod"],
      roles: [readonly, { name: "breakglass", managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"], requesters: ["sre"] }],
    },
    { name: "search-dev", id: "444444444444", tags: ["nonprod"], roles: [readonly, developer] },
  ],
  vaultRoles: [
    { name: "readonly-nonprod", targets: ["payments-dev/readonly", "search-dev/readonly"], requesters: ["auditors"] },
    { name: "payments-readonly", targets: ["payments-dev/readonly", "payments-prod/readonly"], requesters: ["developers"] },
  ],
};

/** ...and with role sets and selectors. */
const setForm = {
  broker: { account: "primary" },
  requesters,
  roleSets: { baseline: [readonly], nonprod: [developer] },
  accounts: [
    { name: "primary", id: "111111111111", roleSets: ["baseline"] },
    { name: "payments-dev", id: "222222222222", tags: ["nonprod"], roleSets: ["baseline", "nonprod"] },
    {
      name: "payments-prod",
      id: "333333333333",
      tags: ["prod"],
      roleSets: ["baseline"],
      roles: [{ name: "breakglass", managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"], requesters: ["sre"] }],
    },
    { name: "search-dev", id: "444444444444", tags: ["nonprod"], roleSets: ["baseline", "nonprod"] },
  ],
  vaultRoles: [
    { name: "readonly-nonprod", targets: ["tag:nonprod/readonly"], requesters: ["auditors"] },
    { name: "payments-readonly", targets: ["payments-*/readonly"], requesters: ["developers"] },
  ],
};

/** Every synthesized file of a config given as data, as text. */
function synthFiles(data: unknown): Map<string, string> {
  const dir = mkdtempSync(join(tmpdir(), "vama-sets-"));
  const file = join(dir, "accounts.yaml");
  writeFileSync(file, stringify(data));
  synthesize({ configFile: file, outdir: join(dir, "out"), localStateDir: dir, warn: () => undefined });
  const files = stackFiles(join(dir, "out"));
  files.set("manifest.json", readFileSync(join(dir, "out", "manifest.json"), "utf8"));
  files.set("access.json", readFileSync(join(dir, "out", "access.json"), "utf8"));
  return files;
}

describe("role sets and selectors", () => {
  test("a config written with sets and selectors synthesizes byte for byte what it written out in full does", () => {
    const full = synthFiles(fullForm);
    const sets = synthFiles(setForm);
    expect([...sets.keys()].sort()).toEqual([...full.keys()].sort());
    for (const [name, text] of full) expect(sets.get(name)).toBe(text);
  });

  test("an account's roles are its sets' roles in the order it lists them, then its own", () => {
    const config = configOf(setForm);
    expect(config.accounts[2].roles.map((r) => r.name)).toEqual(["readonly", "breakglass"]);
    expect(config.vaultRoles[0].targets).toEqual(["payments-dev/readonly", "search-dev/readonly"]);
  });

  test("overlapping selectors name a role once", () => {
    const config = configOf({
      ...setForm,
      vaultRoles: [
        { name: "ro", targets: ["tag:nonprod/readonly", "payments-*/readonly", "payments-dev/readonly"], requesters: ["auditors"] },
      ],
    });
    expect(config.vaultRoles[0].targets).toEqual(["payments-dev/readonly", "search-dev/readonly", "payments-prod/readonly"]);
  });

  test("a role set no account takes is a warning", () => {
    const config = configOf({ ...setForm, roleSets: { ...setForm.roleSets, legacy: [readonly] } });
    expect(configWarnings(config)).toEqual([
      "roleSets.legacy is taken by no account: no account lists it under roleSets:, so its roles are not created anywhere",
    ]);
  });

  test("the shipped examples/org-scale.yaml: 30 accounts, each one line, and its spanning roles follow the tags", () => {
    const file = join(__dirname, "..", "..", "examples", "org-scale.yaml");
    const model = buildModel(loadConfig(file));
    expect(model.accounts).toHaveLength(30);
    const written = parse(readFileSync(file, "utf8"));
    const nonprod = written.accounts.filter((a: any) => a.tags.includes("nonprod")).map((a: any) => `arn:aws:iam::${a.id}:role/readonly`);
    expect(model.vaultRoles.find((r) => r.name === "readonly-nonprod")!.roleArns).toEqual(nonprod);
    expect(model.vaultRoles.find((r) => r.name === "payments-readonly")!.roleArns).toHaveLength(3);
  });
});

/** The problem lines a config produces, without the `file:line:col: ` prefix. */
function problems(data: unknown): string[] {
  try {
    configOf(data);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.replace(/^accounts\.yaml(:\d+:\d+)?: /, ""));
    throw error;
  }
  throw new Error("expected the config to be rejected");
}

const edited = (edit: (c: any) => void) => {
  const config = structuredClone(setForm) as any;
  edit(config);
  return config;
};

describe("role set and selector errors", () => {
  test("an unknown role set, with the closest name and the sets that exist", () => {
    expect(problems(edited((c) => (c.accounts[1].roleSets = ["baseline", "nonprd"])))).toEqual([
      'accounts[1] (payments-dev).roleSets[1]: "nonprd" is not a role set: did you mean "nonprod"? The role sets are baseline, nonprod',
    ]);
  });
  test("a role set named when there is no roleSets section", () => {
    expect(
      problems({ ...fullForm, accounts: [{ ...fullForm.accounts[0], roleSets: ["baseline"] }, ...fullForm.accounts.slice(1)] }),
    ).toEqual(['accounts[0] (primary).roleSets[0]: "baseline" is not a role set: there is no roleSets: section; define the set there']);
  });
  test("a role set taken twice", () => {
    expect(problems(edited((c) => (c.accounts[0].roleSets = ["baseline", "baseline"])))).toEqual([
      'accounts[0] (primary).roleSets[1]: "baseline" is already listed at accounts[0].roleSets[0]: take each role set once',
    ]);
  });
  test("a role that comes from a set and from the account names both sources", () => {
    expect(problems(edited((c) => (c.accounts[0].roles = [{ ...readonly, name: "ReadOnly" }])))).toEqual([
      'accounts[0] (primary).roles[0].name: role "ReadOnly" comes from accounts[0].roles[0] and "readonly" from role set "baseline" (roleSets.baseline[0]): role names must be unique within an account, ignoring case as IAM does; nothing is merged, so rename one or drop one source',
    ]);
  });
  test("a role that comes from two sets names both sets", () => {
    expect(problems(edited((c) => c.roleSets.nonprod.push(readonly)))).toEqual([
      'accounts[1] (payments-dev).roleSets[1]: role "readonly" comes from role set "nonprod" (roleSets.nonprod[1]) and "readonly" from role set "baseline" (roleSets.baseline[0]): role names must be unique within an account, ignoring case as IAM does; nothing is merged, so rename one or drop one source',
      'accounts[3] (search-dev).roleSets[1]: role "readonly" comes from role set "nonprod" (roleSets.nonprod[1]) and "readonly" from role set "baseline" (roleSets.baseline[0]): role names must be unique within an account, ignoring case as IAM does; nothing is merged, so rename one or drop one source',
    ]);
  });
  test("an empty role set", () => {
    expect(problems(edited((c) => (c.roleSets.empty = [])))).toEqual(["roleSets.empty: is empty: list at least one role"]);
  });
  test("a role set name of the wrong form", () => {
    expect(problems(edited((c) => (c.roleSets.NonProd = [readonly])))).toEqual([
      "roleSets.NonProd: \"NonProd\" is not allowed as a role set name: use lowercase letters, digits, '_' and inner '-'",
    ]);
  });
  test("a problem inside a set is reported once, at the set, however many accounts take it", () => {
    expect(problems(edited((c) => (c.roleSets.nonprod[0].requesters = ["developerz"])))).toEqual([
      'roleSets.nonprod[0].requesters[0]: "developerz" is not a declared requester: did you mean "developers"? Declared: auditors, developers, sre; declare it under requesters: to add a group',
    ]);
  });
  test("a customer managed policy in a set names the account it does not belong to", () => {
    expect(problems(edited((c) => (c.roleSets.nonprod[0].managedPolicyArns = ["arn:aws:iam::222222222222:policy/deploy"])))).toEqual([
      'roleSets.nonprod[0].managedPolicyArns[0]: "arn:aws:iam::222222222222:policy/deploy" belongs to account 222222222222: a role can only attach AWS managed policies or its own account\'s (444444444444) (in accounts[3] (search-dev), which takes role set "nonprod")',
    ]);
  });
  test("a tag selector that selects nothing lists the tags there are", () => {
    expect(problems(edited((c) => (c.vaultRoles[0].targets = ["tag:non-prod/readonly"])))).toEqual([
      'vaultRoles[0].targets[0]: "tag:non-prod/readonly" selects nothing: no account has tag "non-prod" (the tags are nonprod, prod)',
    ]);
  });
  test("a tag selector whose accounts lack the role", () => {
    expect(problems(edited((c) => (c.vaultRoles[0].targets = ["tag:prod/developer"])))).toEqual([
      'vaultRoles[0].targets[0]: "tag:prod/developer" selects nothing: no account tagged "prod" (payments-prod) has a role "developer"',
    ]);
  });
  test("a glob that matches no account name", () => {
    expect(problems(edited((c) => (c.vaultRoles[1].targets = ["payment-*/readonly"])))).toEqual([
      'vaultRoles[1].targets[0]: "payment-*/readonly" selects nothing: no account name matches "payment-*"',
    ]);
  });
  test("a glob whose accounts lack the role", () => {
    expect(problems(edited((c) => (c.vaultRoles[1].targets = ["search-*/breakglass"])))).toEqual([
      'vaultRoles[1].targets[0]: "search-*/breakglass" selects nothing: the accounts matching "search-*" (search-dev) have no role "breakglass"',
    ]);
  });
  test("a selected role whose session is shorter than the Vault role's max TTL names the selector", () => {
    expect(problems(edited((c) => Object.assign(c.vaultRoles[0], { maxTtl: "2h" })))).toEqual([
      'vaultRoles[0].maxTtl: 2h exceeds the max session 1h of target "payments-dev/readonly" (selected by "tag:nonprod/readonly"): lower maxTtl or raise that role\'s maxSessionDuration',
      'vaultRoles[0].maxTtl: 2h exceeds the max session 1h of target "search-dev/readonly" (selected by "tag:nonprod/readonly"): lower maxTtl or raise that role\'s maxSessionDuration',
    ]);
  });
  test("an unknown tag form is refused by the field", () => {
    expect(problems(edited((c) => (c.accounts[0].tags = ["Prod"])))).toEqual([
      "accounts[0] (primary).tags[0]: \"Prod\" is not allowed: use lowercase letters, digits, '_' and '-', starting and ending with a letter or digit, e.g. nonprod",
    ]);
  });
});

describe("the benchmark's role-set config", () => {
  test("synthesizes the same bytes as the plain one it stands for", () => {
    const { generatedConfig, generatedSetConfig } = require("../../lib/config/generated");
    const plain = synthFiles(generatedConfig(40, 2));
    const sets = synthFiles(generatedSetConfig(40));
    for (const [name, text] of plain) expect(sets.get(name)).toBe(text);
  });
});
