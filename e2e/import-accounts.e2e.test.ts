import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  CloseAccountCommand,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
  RemoveAccountFromOrganizationCommand,
} from "@aws-sdk/client-organizations";
import { parseConfig } from "../lib/config/load";
import { type Emulator, startEmulator } from "../sandbox/emulator";
import { collector, runVaultAws, type VaultAwsRun, workDir } from "./fixtures";

/**
 * `vault-aws import-accounts` against moto's Organizations API, on an emulator started as the
 * sandbox starts it: an organization with nested OUs, a suspended account, two names that collide
 * once turned into config names, and an account that left the organization while the config still
 * has it. Then the result synthesizes.
 *
 *   root: master (123456789012), Departed (removed from the organization after the config names it)
 *   ├── Workloads: Search QA
 *   │   └── Dev: Payments Dev, Closing Sandbox (closed: SUSPENDED)
 *   │       └── Sandbox: payments-dev
 *   └── Marketing: Marketing Web
 */
let emulator: Emulator;
const dir = workDir("import-accounts");
const progress = collector();
const configFile = join(dir, "accounts.yaml");
const ids: Record<string, string> = {};
const ous: Record<string, string> = {};
let organizationId = "";

const credentials = { AWS_ACCESS_KEY_ID: "sandbox", AWS_SECRET_ACCESS_KEY: "sandbox", AWS_REGION: "us-east-1" };

/** `vault-aws <args>` as a user runs it, with the SDK's standard environment pointed at the emulator. */
function vaultAws(args: string[]): Promise<VaultAwsRun> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...credentials,
    AWS_ENDPOINT_URL: emulator.endpoint,
    AWS_CONFIG_FILE: join(dir, "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-aws-credentials"),
  };
  for (const name of ["AWS_PROFILE", "AWS_SESSION_TOKEN", "ACCOUNTS_FILE", "CDKTF_OUTDIR"]) delete env[name];
  return runVaultAws(args, { cwd: dir, env, log: progress.log });
}

/** The config before the import: comments, a flow-style list, and an account that will leave the organization. */
function configText(): string {
  return `# Accounts Vault hands out credentials for; new ones come from: vault-aws import-accounts
broker:
  account: primary   # the management account holds the broker

requesters:
  sre: { description: On-call SREs }

roleSets:
  baseline:
    - name: readonly
      managedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]
      requesters: [sre]

accounts:
  - { name: primary,  id: "123456789012", tags: [shared], roleSets: [baseline] }
  - { name: departed, id: "${ids.departed}", tags: [nonprod], roleSets: [baseline] }   # leaves the organization

vaultRoles:
  # Every non-production account's readonly role: imported accounts tagged nonprod join it.
  - name: readonly-nonprod
    targets: ["tag:nonprod/readonly"]
    requesters: [sre]
`;
}

beforeAll(async () => {
  emulator = await startEmulator();
  const client = new OrganizationsClient({
    region: "us-east-1",
    endpoint: emulator.endpoint,
    credentials: { accessKeyId: "sandbox", secretAccessKey: "sandbox" },
  });
  organizationId = (await client.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }))).Organization!.Id!;
  const root = (await client.send(new ListRootsCommand({}))).Roots![0].Id!;
  const ou = async (name: string, parent: string) =>
    (ous[name] = (await client.send(new CreateOrganizationalUnitCommand({ ParentId: parent, Name: name }))).OrganizationalUnit!.Id!);
  await ou("Workloads", root);
  await ou("Dev", ous.Workloads);
  await ou("Sandbox", ous.Dev);
  await ou("Marketing", root);
  const account = async (key: string, name: string, parent: string) => {
    const created = await client.send(new CreateAccountCommand({ AccountName: name, Email: `${key}@example.com` }));
    ids[key] = created.CreateAccountStatus!.AccountId!;
    if (parent !== root)
      await client.send(new MoveAccountCommand({ AccountId: ids[key], SourceParentId: root, DestinationParentId: parent }));
  };
  await account("searchQa", "Search QA", ous.Workloads);
  await account("paymentsDevSpaced", "Payments Dev", ous.Dev);
  await account("closing", "Closing Sandbox", ous.Dev);
  await account("paymentsDev", "payments-dev", ous.Sandbox);
  await account("marketing", "Marketing Web", ous.Marketing);
  await account("departed", "Departed", root);
  await client.send(new CloseAccountCommand({ AccountId: ids.closing }));
  await client.send(new RemoveAccountFromOrganizationCommand({ AccountId: ids.departed }));
  writeFileSync(configFile, configText());
}, 60_000);

afterAll(async () => {
  await emulator?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const importArgs = () => [
  "import-accounts",
  "--config",
  configFile,
  "--ou",
  ous.Workloads,
  "--role-sets",
  "baseline",
  "--tags",
  "nonprod",
  "--set-organization-id",
];

/**
 * The lines the import appends at the end of accounts:, in the file's one-line style; id: stays in
 * the last entry's column where the name leaves room (the new names are all longer than "departed").
 */
function appended(): string[] {
  return [
    `  - { name: payments-dev, id: "${ids.paymentsDev}", tags: [nonprod], roleSets: [baseline] }`,
    `  - { name: payments-dev-2, id: "${ids.paymentsDevSpaced}", tags: [nonprod], roleSets: [baseline] }`,
    `  - { name: search-qa, id: "${ids.searchQa}", tags: [nonprod], roleSets: [baseline] }`,
  ];
}

describe("import-accounts against moto's Organizations API", () => {
  test("--dry-run prints the report and the diff, exits 2, and writes nothing", async () => {
    const run = await vaultAws([...importArgs(), "--dry-run"]);
    expect(run.code).toBe(2);
    expect(readFileSync(configFile, "utf8")).toBe(configText());
    expect(run.stdout).toContain(`would add 3 accounts to ${configFile}:`);
    expect(run.stdout).toContain(`--- ${configFile}\n+++ ${configFile}\n`);
    for (const line of appended()) expect(run.stdout).toContain(`\n+${line}\n`);
    expect(run.stdout).toContain(`\n+  organizationId: ${organizationId}\n`);
    expect(run.stderr).toContain(`dry run: ${configFile} was not written`);
  });

  test("imports the ACTIVE accounts under the OU and the OUs below it, reports the rest, and keeps the file as written", async () => {
    const before = readFileSync(configFile, "utf8");
    const run = await vaultAws(importArgs());
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n")).toEqual([
      `added 3 accounts to ${configFile}:`,
      `  payments-dev    ${ids.paymentsDev}`,
      `  payments-dev-2  ${ids.paymentsDevSpaced}, named from "Payments Dev": made lowercase letters, digits and inner hyphens; "payments-dev" is taken by ${ids.paymentsDev} "payments-dev", imported too`,
      `  search-qa       ${ids.searchQa}, named from "Search QA": made lowercase letters, digits and inner hyphens`,
      "skipped 1 account:",
      `  ${ids.closing} "Closing Sandbox": SUSPENDED, only ACTIVE accounts are imported`,
      `not in organization ${organizationId}, kept in ${configFile} (remove an account that has left by hand):`,
      `  accounts[1] departed (${ids.departed})`,
      `broker.organizationId: set to ${organizationId}`,
      "",
    ]);
    const after = readFileSync(configFile, "utf8");
    // Every original byte in place: the broker's new key and the new entries are the only lines added.
    const brokerEnd = before.indexOf("\n\nrequesters:") + 1;
    const accountsEnd = before.indexOf("\n\nvaultRoles:") + 1;
    expect(after).toBe(
      before.slice(0, brokerEnd) +
        `  organizationId: ${organizationId}\n` +
        before.slice(brokerEnd, accountsEnd) +
        appended()
          .map((l) => `${l}\n`)
          .join("") +
        before.slice(accountsEnd),
    );
    const config = parseConfig(after, configFile);
    expect(config.accounts.map((a) => a.name)).toEqual(["primary", "departed", "payments-dev", "payments-dev-2", "search-qa"]);
    expect(config.accounts.map((a) => a.id)).not.toContain(ids.marketing);
  });

  test("the result synthesizes: a stack for each new account, and the tag selector takes them in", async () => {
    const outdir = join(dir, "cdktf.out");
    const run = await vaultAws(["synth", "--config", configFile, "--outdir", outdir]);
    if (run.code !== 0) throw new Error(`synth exited ${run.code}\n${progress.lines.join("\n")}`);
    const stacks = readdirSync(join(outdir, "stacks"));
    expect(stacks).toEqual(
      expect.arrayContaining(["aws-primary", "aws-departed", "aws-payments-dev", "aws-payments-dev-2", "aws-search-qa", "vault"]),
    );
    const stack = (name: string) => JSON.parse(readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8"));
    for (const name of ["payments-dev", "payments-dev-2", "search-qa"]) {
      expect(Object.values(stack(`aws-${name}`).resource.aws_iam_role).map((r: any) => r.name)).toEqual(["readonly"]);
    }
    const vaultRoles = stacks
      .filter((s) => s.startsWith("vault-roles-"))
      .map((s) => readFileSync(join(outdir, "stacks", s, "cdk.tf.json"), "utf8"))
      .join("\n");
    for (const key of ["paymentsDev", "paymentsDevSpaced", "searchQa", "departed"])
      expect(vaultRoles).toContain(`arn:aws:iam::${ids[key]}:role/readonly`);
  });

  test("a second run finds nothing new under the OU; without --ou it adds the account elsewhere", async () => {
    const before = readFileSync(configFile, "utf8");
    const again = await vaultAws(importArgs());
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`${configFile} is up to date: nothing to add`);
    expect(again.stdout).toContain("  3 accounts already in");
    expect(readFileSync(configFile, "utf8")).toBe(before);

    const all = await vaultAws(["import-accounts", "--config", configFile, "--dry-run"]);
    expect(all.code).toBe(2);
    expect(all.stdout).toContain(
      `would add 1 account to ${configFile}:\n  marketing-web  ${ids.marketing}, named from "Marketing Web": made lowercase letters, digits and inner hyphens\n`,
    );
    // The management account (moto's 123456789012, "master") is the file's primary: matched by id.
    expect(all.stdout).toContain(`4 accounts already in ${configFile} (matched by id): primary, payments-dev, payments-dev-2, search-qa\n`);
  });
});
