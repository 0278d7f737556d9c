import { ConfigError } from "../../lib/config/load";
import { configWarnings } from "../../lib/config/warnings";
import { MANAGED_POLICY_SNAPSHOT } from "../../lib/policy/managed-policies";
import { baseConfig, configOf } from "../helpers";

/** The problem lines a config produces, without the `file:line:col: ` prefix. */
function problems(data: unknown): string[] {
  try {
    configOf(data);
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.problems.map((p) => p.replace(/^accounts\.yaml(:\d+:\d+)?: /, ""));
    }
    throw error;
  }
  throw new Error("expected the config to be rejected");
}

/** `baseConfig()` changed by `edit`. */
function edited(edit: (c: Record<string, any>) => void): Record<string, any> {
  const config = baseConfig();
  edit(config);
  return config;
}

const devRole = (c: Record<string, any>) => c.accounts[1].roles[0];

describe("defaults", () => {
  const config = configOf(baseConfig());
  test("vault.mount is aws", () => expect(config.vault.mount).toBe("aws"));
  test("vault.region is us-east-1", () => expect(config.vault.region).toBe("us-east-1"));
  test("vault.defaultTtl is 1h", () => expect(config.vault.defaultTtl).toBe(3600));
  test("vault.maxTtl is 1h", () => expect(config.vault.maxTtl).toBe(3600));
  test("vault.address is unset (the provider reads VAULT_ADDR)", () => expect(config.vault.address).toBeUndefined());
  test("broker.userName is vault-account", () => expect(config.broker.userName).toBe("vault-account"));
  test("broker.organizationId is unset", () => expect(config.broker.organizationId).toBeUndefined());
  test("broker.keyGeneration is 1", () => expect(config.broker.keyGeneration).toBe(1));
  test("broker.keepPreviousKey is false", () => expect(config.broker.keepPreviousKey).toBe(false));
  test("deployment.roleName is OrganizationAccountAccessRole", () =>
    expect(config.deployment.roleName).toBe("OrganizationAccountAccessRole"));
  test("deployment.region is us-east-1", () => expect(config.deployment.region).toBe("us-east-1"));
  test("partition is aws", () => expect(config.partition).toBe("aws"));
  test("an account's roles default to none", () => expect(config.accounts[0].roles).toEqual([]));
  test("a role's managedPolicyArns default to none", () =>
    expect(configOf(edited((c) => delete devRole(c).managedPolicyArns)).accounts[1].roles[0].managedPolicyArns).toEqual([]));
  test("a role's requesters default to none", () =>
    expect(configOf(edited((c) => delete devRole(c).requesters)).accounts[1].roles[0].requesters).toEqual([]));
  test("vaultRoles default to none", () => expect(config.vaultRoles).toEqual([]));
});

describe("overrides", () => {
  test("durations are read as seconds", () => {
    const config = configOf(edited((c) => (c.vault = { defaultTtl: "900s", maxTtl: "1h30m" })));
    expect([config.vault.defaultTtl, config.vault.maxTtl]).toEqual([900, 5400]);
  });
  test("vault.mount, region and address", () => {
    const config = configOf(
      edited((c) => (c.vault = { mount: "aws/main", region: "eu-west-1", address: "https://vault.example.com:8200" })),
    );
    expect(config.vault).toMatchObject({ mount: "aws/main", region: "eu-west-1", address: "https://vault.example.com:8200" });
  });
  test("a role's TTLs and maxSessionDuration", () => {
    const config = configOf(edited((c) => Object.assign(devRole(c), { defaultTtl: "15m", maxTtl: "2h", maxSessionDuration: "4h" })));
    expect(config.accounts[1].roles[0]).toMatchObject({ defaultTtl: 900, maxTtl: 7200, maxSessionDuration: 14400 });
  });
  test("plain http to a Vault on loopback (a dev server)", () => {
    expect(configOf(edited((c) => (c.vault = { address: "http://127.0.0.1:8200" }))).vault.address).toBe("http://127.0.0.1:8200");
  });
  test("a key rotation in progress", () => {
    const config = configOf(edited((c) => Object.assign(c.broker, { keyGeneration: 2, keepPreviousKey: true })));
    expect(config.broker).toMatchObject({ keyGeneration: 2, keepPreviousKey: true });
  });
  test("a per-account deployment profile", () => {
    const config = configOf(edited((c) => (c.accounts[0].deployment = { profile: "primary-admin" })));
    expect(config.accounts[0].deployment).toEqual({ profile: "primary-admin" });
  });
});

describe("error messages", () => {
  test("an unquoted account id", () => {
    expect(problems(edited((c) => (c.accounts[1].id = 12345678901)))).toEqual([
      // The hint quotes the id as the file wrote it (here, as YAML wrote the number: no leading zero to blame).
      'accounts[1] (dev).id: got the number 12345678901: YAML reads unquoted digits as a number, and an account id is a string; quote the id, e.g. id: "12345678901"',
    ]);
  });
  test("an account id that is not 12 digits", () => {
    expect(problems(edited((c) => (c.accounts[1].id = "2222")))).toEqual([
      'accounts[1] (dev).id: "2222" is not an AWS account id: use exactly 12 digits, quoted',
    ]);
  });
  test("a missing accounts list", () => {
    expect(problems({ broker: { account: "primary" } })).toEqual(["accounts: is required: list at least one account"]);
  });
  test("an empty accounts list", () => {
    expect(problems({ broker: { account: "primary" }, accounts: [] })).toEqual(["accounts: is empty: list at least one account"]);
  });
  test("an unknown key", () => {
    expect(problems(edited((c) => (c.accounts[1].rolse = [])))).toEqual([
      'accounts[1] (dev): unknown key "rolse": did you mean "roles"? Allowed keys are name, id, tags, roleSets, externalId, deployment, roles',
    ]);
  });
  test("an unknown top-level key", () => {
    expect(problems(edited((c) => (c.brokers = {})))).toEqual([
      '(top level): unknown key "brokers": did you mean "broker"? Allowed keys are partition, vault, broker, deployment, state, accounts, iamPath, guardrails, permissionsBoundary, roleSets, vaultRoles, pipeline, unknownManagedPolicies, requesters',
    ]);
  });
  test("an account name IAM-safe but not allowed here", () => {
    expect(problems(edited((c) => (c.accounts[1].name = "Dev_1")))).toEqual([
      'accounts[1] (Dev_1).name: "Dev_1" is not allowed: use lowercase letters, digits and inner hyphens',
    ]);
  });
  test("a role name IAM would accept but Vault would not", () => {
    expect(problems(edited((c) => (devRole(c).name = "ec2+admin")))).toEqual([
      `accounts[1] (dev).roles[0].name: "ec2+admin" is not allowed: use letters, digits, '_', and inner '.', '@' or '-' (IAM role names that Vault also accepts)`,
    ]);
  });
  test("a role name longer than IAM's 64 characters", () => {
    expect(problems(edited((c) => (devRole(c).name = "r".repeat(65))))).toEqual([
      `accounts[1] (dev).roles[0].name: "${"r".repeat(65)}" is too long: at most 64 characters`,
    ]);
  });
  test("a duration that is not one", () => {
    expect(problems(edited((c) => (devRole(c).maxTtl = "1 hour")))).toEqual([
      'accounts[1] (dev).roles[0].maxTtl: "1 hour" is not a duration: write e.g. "900s", "15m", "1h" or "1h30m"',
    ]);
  });
  test("a TTL below STS's 15 minutes", () => {
    expect(problems(edited((c) => (devRole(c).defaultTtl = "5m")))).toEqual([
      'accounts[1] (dev).roles[0].defaultTtl: "5m" is out of range: STS credentials live between 15m and 12h',
    ]);
  });
  test("a TTL above 12 hours", () => {
    expect(problems(edited((c) => (c.vault = { maxTtl: "13h" })))).toEqual([
      'vault.maxTtl: "13h" is out of range: STS credentials live between 15m and 12h',
    ]);
  });
  test("a maxSessionDuration outside IAM's 1h-12h", () => {
    expect(problems(edited((c) => (devRole(c).maxSessionDuration = "30m")))).toEqual([
      'accounts[1] (dev).roles[0].maxSessionDuration: "30m" is not allowed: IAM takes a MaxSessionDuration between 1h and 12h',
    ]);
  });
  test("a default TTL above the max", () => {
    expect(problems(edited((c) => Object.assign(devRole(c), { defaultTtl: "2h", maxTtl: "1h" })))).toEqual([
      "accounts[1] (dev).roles[0].defaultTtl: defaultTtl 2h exceeds maxTtl 1h: the default must not exceed the max",
    ]);
  });
  test("a role max TTL below the inherited default", () => {
    expect(problems(edited((c) => (devRole(c).maxTtl = "30m")))).toEqual([
      "accounts[1] (dev).roles[0].maxTtl: defaultTtl 1h (inherited from vault.defaultTtl) exceeds maxTtl 30m: the default must not exceed the max",
    ]);
  });
  test("inherited TTLs in the wrong order are reported once, at the vault section", () => {
    expect(problems(edited((c) => (c.vault = { defaultTtl: "2h", maxTtl: "1h" })))).toEqual([
      "vault.defaultTtl: defaultTtl 2h exceeds maxTtl 1h: the default must not exceed the max",
    ]);
  });
  test("a maxSessionDuration shorter than the max TTL", () => {
    expect(problems(edited((c) => Object.assign(devRole(c), { maxTtl: "2h", maxSessionDuration: "1h" })))).toEqual([
      "accounts[1] (dev).roles[0].maxSessionDuration: 1h is shorter than the role's max TTL 2h: AWS would refuse credentials that long; raise it or lower maxTtl",
    ]);
  });
  test("duplicate account names", () => {
    expect(problems(edited((c) => (c.accounts[1].name = "primary")))).toEqual([
      'accounts[1] (primary).name: "primary" is already the name of accounts[0]: account names must be unique',
    ]);
  });
  test("duplicate account ids", () => {
    expect(problems(edited((c) => (c.accounts[1].id = "111111111111")))).toEqual([
      'accounts[1] (dev).id: "111111111111" is already the id of accounts[0]: each AWS account may be listed once',
    ]);
  });
  test("duplicate role names in one account", () => {
    expect(problems(edited((c) => c.accounts[1].roles.push({ name: "ec2-admin" })))).toEqual([
      'accounts[1] (dev).roles[1].name: "ec2-admin" is already the name of accounts[1].roles[0]: role names must be unique within an account, ignoring case as IAM does',
    ]);
  });
  test("role names that differ only in case (IAM treats them as one)", () => {
    expect(problems(edited((c) => c.accounts[1].roles.push({ name: "EC2-Admin" })))).toEqual([
      'accounts[1] (dev).roles[1].name: "EC2-Admin" is already the name of accounts[1].roles[0] as "ec2-admin": role names must be unique within an account, ignoring case as IAM does',
    ]);
  });
  test("a broker in an unknown account", () => {
    expect(problems(edited((c) => (c.broker.account = "primry")))).toEqual([
      'broker.account: "primry" is not an account: use one of primary, dev',
    ]);
  });
  test("a vaultRoles target that is not a configured role", () => {
    expect(problems(edited((c) => (c.vaultRoles = [{ name: "everywhere", targets: ["dev/readonly"] }])))).toEqual([
      `vaultRoles[0].targets[0]: "dev/readonly" is not a configured role: dev's roles are ec2-admin`,
    ]);
  });
  test("a vaultRoles target in an account that does not exist", () => {
    expect(problems(edited((c) => (c.vaultRoles = [{ name: "everywhere", targets: ["qa/readonly"] }])))).toEqual([
      'vaultRoles[0].targets[0]: "qa/readonly" is not a configured role: there is no account "qa": use one of primary, dev',
    ]);
  });
  test("a role ARN given as a target is one problem, not two", () => {
    expect(
      problems(edited((c) => (c.vaultRoles = [{ name: "everywhere", targets: ["arn:aws:iam::222222222222:role/ec2-admin"] }]))),
    ).toEqual([
      `vaultRoles[0].targets[0]: "arn:aws:iam::222222222222:role/ec2-admin" is not allowed: use "<account>/<role>", "<glob>/<role>" or "tag:<tag>/<role>", e.g. "prod/readonly", "payments-*/readonly", "tag:nonprod/readonly"`,
    ]);
  });
  test("a vaultRoles target written without its account", () => {
    expect(problems(edited((c) => (c.vaultRoles = [{ name: "everywhere", targets: ["ec2-admin"] }])))).toEqual([
      `vaultRoles[0].targets[0]: "ec2-admin" is not allowed: use "<account>/<role>", "<glob>/<role>" or "tag:<tag>/<role>", e.g. "prod/readonly", "payments-*/readonly", "tag:nonprod/readonly"`,
    ]);
  });
  test("a vaultRoles max TTL beyond a target's session", () => {
    expect(problems(edited((c) => (c.vaultRoles = [{ name: "everywhere", targets: ["dev/ec2-admin"], maxTtl: "2h" }])))).toEqual([
      'vaultRoles[0].maxTtl: 2h exceeds the max session 1h of target "dev/ec2-admin": lower maxTtl or raise that role\'s maxSessionDuration',
    ]);
  });
  test("a vaultRoles role over accounts with different external ids", () => {
    const config = edited((c) => {
      c.accounts[0].roles = [{ name: "readonly" }];
      c.accounts[1].externalId = "dev-ext-id";
      c.vaultRoles = [{ name: "everywhere", targets: ["dev/ec2-admin", "primary/readonly"] }];
    });
    expect(problems(config)).toEqual([
      "vaultRoles[0].targets: mixes accounts with different externalId values: a Vault role sends one external ID, so its targets must share it",
    ]);
  });
  test("names that collide once joined", () => {
    const config = edited((c) => c.accounts.push({ name: "dev-ec2", id: "333333333333", roles: [{ name: "admin" }] }));
    expect(problems(config)).toEqual([
      'accounts[2] (dev-ec2).roles[0].name: makes the Vault role name "dev-ec2-admin", which accounts[1].roles[0].name already makes: "<account>-<role>" and vaultRoles names must all differ',
    ]);
  });
  test("a vaultRoles name taken by an account role", () => {
    expect(problems(edited((c) => (c.vaultRoles = [{ name: "dev-ec2-admin", targets: ["dev/ec2-admin"] }])))).toEqual([
      'vaultRoles[0].name: makes the Vault role name "dev-ec2-admin", which accounts[1].roles[0].name already makes: "<account>-<role>" and vaultRoles names must all differ',
    ]);
  });
  test("a requester name Vault would lowercase", () => {
    expect(problems(edited((c) => (devRole(c).requesters = ["Developers"])))).toEqual([
      `accounts[1] (dev).roles[0].requesters[0]: "Developers" is not allowed: use lowercase letters, digits, '_' and inner '-'`,
    ]);
  });
  test("more managed policies than IAM's per-role quota", () => {
    const arns = Array.from({ length: 11 }, (_, i) => `arn:aws:iam::222222222222:policy/P${i}`);
    expect(problems(edited((c) => (devRole(c).managedPolicyArns = arns)))).toEqual([
      "accounts[1] (dev).roles[0].managedPolicyArns: at most 10 managed policies per role (IAM's default quota)",
    ]);
  });
  test("a misspelled AWS managed policy names the closest one and the snapshot it checked", () => {
    expect(problems(edited((c) => (devRole(c).managedPolicyArns = ["arn:aws:iam::aws:policy/AmazonEC2FullAcess"])))).toEqual([
      `accounts[1] (dev).roles[0].managedPolicyArns[0]: "arn:aws:iam::aws:policy/AmazonEC2FullAcess" is not an AWS managed policy (${MANAGED_POLICY_SNAPSHOT}): did you mean AmazonEC2FullAccess? If the policy is newer than that list, set unknownManagedPolicies: warn`,
    ]);
  });
  test("AWS managed policies with a path are known by their path", () => {
    expect(
      configOf(edited((c) => (devRole(c).managedPolicyArns = ["arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM"]))).accounts[1]
        .roles[0].managedPolicyArns,
    ).toHaveLength(1);
  });
  test("unknownManagedPolicies: warn turns the error into a warning, for policies newer than the snapshot", () => {
    const config = edited((c) => {
      c.unknownManagedPolicies = "warn";
      devRole(c).managedPolicyArns = ["arn:aws:iam::aws:policy/BrandNewPolicy2027"];
    });
    expect(configOf(config).unknownManagedPolicies).toBe("warn");
    expect(configWarnings(configOf(config))).toEqual([
      expect.stringMatching(
        /^accounts\[1\] \(dev\)\.roles\[0\]\.managedPolicyArns\[0\]: "arn:aws:iam::aws:policy\/BrandNewPolicy2027" is not an AWS managed policy \(moto 5\.2\.1, .*\): did you mean \w+\? If the policy is newer/,
      ),
    ]);
  });
  test("a managed policy that is not an ARN", () => {
    expect(problems(edited((c) => (devRole(c).managedPolicyArns = ["AmazonEC2FullAccess"])))).toEqual([
      'accounts[1] (dev).roles[0].managedPolicyArns[0]: "AmazonEC2FullAccess" is not allowed: use an IAM managed policy ARN such as arn:aws:iam::aws:policy/ReadOnlyAccess',
    ]);
  });
  test("the same managed policy twice", () => {
    const arn = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    expect(problems(edited((c) => (devRole(c).managedPolicyArns = [arn, arn])))).toEqual([
      "accounts[1] (dev).roles[0].managedPolicyArns: lists a policy twice: list each ARN once",
    ]);
  });
  test("a managed policy of another partition", () => {
    expect(problems(edited((c) => (devRole(c).managedPolicyArns = ["arn:aws-cn:iam::aws:policy/ReadOnlyAccess"])))).toEqual([
      'accounts[1] (dev).roles[0].managedPolicyArns[0]: "arn:aws-cn:iam::aws:policy/ReadOnlyAccess" is in partition aws-cn, but the accounts are in aws',
    ]);
  });
  test("a customer managed policy of another account", () => {
    expect(problems(edited((c) => (devRole(c).managedPolicyArns = ["arn:aws:iam::999999999999:policy/Ops"])))).toEqual([
      'accounts[1] (dev).roles[0].managedPolicyArns[0]: "arn:aws:iam::999999999999:policy/Ops" belongs to account 999999999999: a role can only attach AWS managed policies or its own account\'s (222222222222)',
    ]);
  });
  test("a China region in the aws partition", () => {
    expect(problems(edited((c) => (c.vault = { region: "cn-north-1" })))).toEqual([
      'vault.region: "cn-north-1" is a region of partition aws-cn, but the accounts are in aws',
    ]);
  });
  test("regions of another partition", () => {
    expect(problems(edited((c) => (c.partition = "aws-us-gov")))).toEqual([
      'vault.region: "us-east-1" is a region of partition aws, but the accounts are in aws-us-gov',
      'deployment.region: "us-east-1" is a region of partition aws, but the accounts are in aws-us-gov',
      'accounts[1] (dev).roles[0].managedPolicyArns[0]: "arn:aws:iam::aws:policy/AmazonEC2FullAccess" is in partition aws, but the accounts are in aws-us-gov',
    ]);
  });
  test("a Vault mount Vault reserves", () => {
    expect(problems(edited((c) => (c.vault = { mount: "sys" })))).toEqual([
      'vault.mount: "sys" is reserved by Vault: do not use sys, auth, identity, cubbyhole',
    ]);
  });
  test("an inline statement without an Action", () => {
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Resource: "*" }] };
    expect(problems(edited((c) => (devRole(c).inlinePolicy = policy)))).toEqual([
      "accounts[1] (dev).roles[0].inlinePolicy.Statement[0]: needs Action or NotAction",
    ]);
  });
  test("an inline statement without a Resource", () => {
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:ListBucket" }] };
    expect(problems(edited((c) => (devRole(c).inlinePolicy = policy)))).toEqual([
      "accounts[1] (dev).roles[0].inlinePolicy.Statement[0]: needs Resource or NotResource (a role's policy names what it acts on)",
    ]);
  });
  test("an inline policy over IAM's 10,240 characters", () => {
    const statement = { Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${"b".repeat(10_300)}/*` };
    expect(problems(edited((c) => (devRole(c).inlinePolicy = { Version: "2012-10-17", Statement: [statement] })))).toEqual([
      "accounts[1] (dev).roles[0].inlinePolicy: is 10410 characters without whitespace; IAM allows at most 10240 for a role's inline policies: use managedPolicyArns",
    ]);
  });
  test("an inline policy with a bad Effect", () => {
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "allow", Action: "s3:*", Resource: "*" }] };
    expect(problems(edited((c) => (devRole(c).inlinePolicy = policy)))).toEqual([
      'accounts[1] (dev).roles[0].inlinePolicy.Statement[0].Effect: expected "Allow" or "Deny", got "allow"',
    ]);
  });
  test("an external id with characters STS rejects", () => {
    expect(problems(edited((c) => (c.accounts[1].externalId = "has space")))).toEqual([
      `accounts[1] (dev).externalId: "has space" is not allowed: use 2 to 1224 characters of letters, digits and + = , . @ : / _ -`,
    ]);
  });
  test("a deployment with both a role and a profile", () => {
    expect(problems(edited((c) => (c.accounts[1].deployment = { roleName: "Deploy", profile: "dev" })))).toEqual([
      "accounts[1] (dev).deployment: set roleName or profile, not both",
    ]);
  });
  test("a Vault address that is not a URL", () => {
    expect(problems(edited((c) => (c.vault = { address: "vault.example.com" })))).toEqual([
      'vault.address: expected an http(s) URL, got "vault.example.com"',
    ]);
  });
  test("a plain-http Vault address off loopback", () => {
    expect(problems(edited((c) => (c.vault = { address: "http://vault.example.com:8200" })))).toEqual([
      `vault.address: "http://vault.example.com:8200" is plain http: Vault's token and the broker's secret would cross the network unencrypted; use https (http is allowed only for 127.0.0.1 or localhost)`,
    ]);
  });
  test.each(["HTTP://vault.example.com:8200", "Http://10.0.0.5:8200"])("plain http however the scheme is written: %s", (address) => {
    expect(problems(edited((c) => (c.vault = { address })))[0]).toMatch(/^vault\.address: .* is plain http: /);
  });
  test("a key generation below 1", () => {
    expect(problems(edited((c) => (c.broker.keyGeneration = 0)))).toEqual(["broker.keyGeneration: must be 1 or more"]);
  });
  test("an organization id of the wrong shape", () => {
    expect(problems(edited((c) => (c.broker.organizationId = "org-1")))).toEqual([
      'broker.organizationId: "org-1" is not allowed: use an AWS Organizations id such as o-a1b2c3d4e5',
    ]);
  });
});

describe("requesters", () => {
  test("a config that names requesters but declares none gets one error with a block to paste", () => {
    expect(problems(edited((c) => delete c.requesters))).toEqual([
      '(top level): has no "requesters:" section: declare every requester group the roles name, with what it is for (and optionally the identity-provider groups bound to it). Paste this at the top level and fill in the descriptions:\n' +
        "requesters:\n" +
        '  developers: { description: "TODO: who developers are" }',
    ]);
  });
  test("a config that names no requester may leave the section out", () => {
    const config = edited((c) => {
      delete c.requesters;
      devRole(c).requesters = [];
    });
    expect(configOf(config).requesters).toBeUndefined();
  });
  test("an undeclared requester names the closest declared one", () => {
    expect(
      problems(
        edited((c) => {
          c.requesters.qa = { description: "QA" };
          devRole(c).requesters = ["qa", "develpers"];
        }),
      ),
    ).toEqual([
      'accounts[1] (dev).roles[0].requesters[1]: "develpers" is not a declared requester: did you mean "developers"? Declared: developers, qa; declare it under requesters: to add a group',
    ]);
  });
  test("on a Vault role too", () => {
    expect(problems(edited((c) => (c.vaultRoles = [{ name: "everywhere", targets: ["dev/ec2-admin"], requesters: ["sre"] }])))).toEqual([
      'vaultRoles[0].requesters[0]: "sre" is not a declared requester: did you mean "developers"? Declared: developers; declare it under requesters: to add a group',
    ]);
  });
  test("a requester needs a description", () => {
    expect(problems(edited((c) => (c.requesters.developers = {})))).toEqual([
      "requesters.developers.description: is required: a sentence saying who this requester group is",
    ]);
  });
  test("an unknown key in a requester or a binding", () => {
    expect(problems(edited((c) => (c.requesters.developers = { description: "d", group: [] })))).toEqual([
      'requesters.developers: unknown key "group": did you mean "groups"? Allowed keys are description, groups',
    ]);
    expect(problems(edited((c) => (c.requesters.developers = { description: "d", groups: [{ mount: "oidc", name: "g" }] })))).toEqual([
      "requesters.developers.groups[0].authMount: is required: a string (an auth mount path such as oidc or ldap/corp (letters, digits, '_', '.', '-', joined by '/'))",
      'requesters.developers.groups[0]: unknown key "mount": allowed keys are authMount, name',
    ]);
  });
  test("an auth mount written as a path with a trailing slash", () => {
    expect(problems(edited((c) => (c.requesters.developers = { description: "d", groups: [{ authMount: "oidc/", name: "g" }] })))).toEqual([
      `requesters.developers.groups[0].authMount: "oidc/" is not allowed: use an auth mount path such as oidc or ldap/corp (letters, digits, '_', '.', '-', joined by '/')`,
    ]);
  });
  test("the same external group bound twice", () => {
    const group = { authMount: "oidc", name: "eng" };
    expect(problems(edited((c) => (c.requesters.developers = { description: "d", groups: [group, group] })))).toEqual([
      'requesters.developers.groups[1]: group "eng" on mount "oidc" is already bound at requesters.developers.groups[0]: bind each external group once',
    ]);
  });
  test("the same external group bound to two requesters, naming both", () => {
    const group = { authMount: "oidc", name: "eng" };
    const config = edited((c) => {
      c.requesters.developers = { description: "d", groups: [{ authMount: "oidc", name: "other" }, group] };
      c.requesters.sre = { description: "s", groups: [group] };
    });
    expect(problems(config)).toEqual([
      `requesters.sre.groups[0]: group "eng" on mount "oidc" is already bound to requester "developers" at requesters.developers.groups[1]: an external group can carry one requester's policy; bind it once, to a requester listed on every role its members need`,
    ]);
  });
  test("a requester name of the wrong form", () => {
    expect(problems(edited((c) => (c.requesters.Developers = { description: "d" })))).toEqual([
      `requesters.Developers: "Developers" is not allowed: use lowercase letters, digits, '_' and inner '-'`,
    ]);
  });
});

describe("configWarnings", () => {
  test("a declared requester that grants nothing", () => {
    expect(
      configWarnings(configOf(edited((c) => (c.requesters.qa = { description: "QA", groups: [{ authMount: "oidc", name: "qa" }] })))),
    ).toEqual(["requesters.qa grants nothing: no role and no Vault role names it, so it gets no policy and its groups are not bound"]);
  });
  test("none when every requester is named", () => {
    expect(configWarnings(configOf(baseConfig()))).toEqual([]);
  });
});

describe("state", () => {
  test("defaults to local files", () => expect(configOf(baseConfig()).state).toEqual({}));
  test("an S3 bucket with the default key prefix", () => {
    const config = configOf({ ...baseConfig(), state: { s3: { bucket: "acme-tf-state", region: "us-east-1" } } });
    expect(config.state.s3).toEqual({ bucket: "acme-tf-state", region: "us-east-1", keyPrefix: "vault-aws-multi-account" });
  });
  test.each(["/a", "a/", "a//b"])("a key prefix Terraform's S3 backend would refuse: %s", (keyPrefix) => {
    expect(problems({ ...baseConfig(), state: { s3: { bucket: "acme-tf-state", region: "us-east-1", keyPrefix } } })).toEqual([
      `state.s3.keyPrefix: "${keyPrefix}" is not allowed: use an S3 key prefix: segments of letters, digits and ! - _ . * ' ( ) joined by single '/'`,
    ]);
  });
  test("a state bucket in another partition's region", () => {
    expect(problems({ ...baseConfig(), state: { s3: { bucket: "acme-tf-state", region: "us-gov-west-1" } } })).toEqual([
      'state.s3.region: "us-gov-west-1" is a region of partition aws-us-gov, but the accounts are in aws',
    ]);
  });
  test("a named AWS profile for the state bucket", () => {
    const config = configOf({ ...baseConfig(), state: { s3: { bucket: "acme-tf-state", region: "us-east-1", profile: "state-admin" } } });
    expect(config.state.s3?.profile).toBe("state-admin");
  });
  test("a DynamoDB lock table is refused, saying what replaces it", () => {
    expect(
      problems({ ...baseConfig(), state: { s3: { bucket: "acme-tf-state", region: "us-east-1", dynamodbTable: "tf-locks" } } }),
    ).toEqual([
      "state.s3.dynamodbTable: is not used: every stack locks its state with S3's own lock file (use_lockfile, Terraform 1.11+), which replaces the DynamoDB lock table; remove dynamodbTable (the table can be deleted once no older Terraform uses it)",
    ]);
  });
  test("a bucket name S3 would refuse", () => {
    expect(problems({ ...baseConfig(), state: { s3: { bucket: "Acme_State", region: "us-east-1" } } })).toEqual([
      `state.s3.bucket: "Acme_State" is not allowed: use an S3 bucket name (lowercase letters, digits, '.', '-'; 3 to 63 characters)`,
    ]);
  });
});

describe("a keyless broker (broker.identity, roleName, attachmentSlots, keepUser)", () => {
  const keyless = (edit: (c: Record<string, any>) => void = () => undefined) =>
    edited((c) => {
      Object.assign(c.broker, { identity: "role", roleName: "vault-server" });
      edit(c);
    });
  const cap =
    "with broker.identity: role, Vault's own AWS credentials are a role session, so every AssumeRole it makes is role chaining, which AWS caps at 1h whatever the role's MaxSessionDuration; set maxTtl to 1h or less, or keep broker.identity: user";

  describe("defaults", () => {
    const { broker } = configOf(baseConfig());
    test("identity is user (an IAM user and its access key, as before)", () => expect(broker.identity).toBe("user"));
    test("roleName is unset", () => expect(broker.roleName).toBeUndefined());
    test("attachmentSlots is 5, half of IAM's default 10 per role", () => expect(broker.attachmentSlots).toBe(5));
    test("keepUser is false", () => expect(broker.keepUser).toBe(false));
  });

  describe("accepted", () => {
    test("identity: role with the role Vault runs as", () => {
      expect(configOf(keyless()).broker).toMatchObject({ identity: "role", roleName: "vault-server", keepUser: false });
    });
    test("a role prepared beside the user (identity: user with roleName), and the role with the user kept", () => {
      expect(configOf(edited((c) => (c.broker.roleName = "vault-server"))).broker).toMatchObject({
        identity: "user",
        roleName: "vault-server",
      });
      expect(configOf(keyless((c) => (c.broker.keepUser = true))).broker.keepUser).toBe(true);
    });
    test("attachmentSlots up to IAM's ceiling of 20", () => {
      expect(configOf(keyless((c) => (c.broker.attachmentSlots = 20))).broker.attachmentSlots).toBe(20);
    });
    test("max TTLs of exactly 1h, the role-chaining cap", () => {
      expect(configOf(keyless((c) => (devRole(c).maxTtl = "1h"))).vault.maxTtl).toBe(3600);
    });
    test.each([
      ["vault.maxTtl", (c: Record<string, any>) => (c.vault = { maxTtl: "2h" })],
      ["a role's maxTtl", (c: Record<string, any>) => Object.assign(devRole(c), { maxTtl: "2h" })],
    ])("%s over 1h with identity: user (no role chaining)", (_, edit) => {
      expect(() => configOf(edited(edit))).not.toThrow();
    });
  });

  describe("error messages", () => {
    test("an identity that is neither user nor role", () => {
      expect(problems(edited((c) => (c.broker.identity = "roles")))).toEqual(['broker.identity: expected "user" or "role", got "roles"']);
    });
    test("identity: role without the role", () => {
      expect(problems(edited((c) => (c.broker.identity = "role")))).toEqual([
        "broker.roleName: is required with identity: role: name the existing IAM role Vault runs as (its instance profile's role, its IRSA or EKS Pod Identity role, or its ECS task role)",
      ]);
    });
    test("the role Vault runs as named like a role the program creates in that account", () => {
      expect(problems(keyless((c) => (c.accounts[0].roles = [{ name: "Vault-Server" }])))).toEqual([
        'broker.roleName: "vault-server" is also accounts[0].roles[0], a role this program creates in primary for Vault to assume: the role Vault runs as must be another, existing role',
      ]);
    });
    test("...or that a role set gives that account", () => {
      const config = keyless((c) => {
        c.roleSets = { base: [{ name: "vault-server" }] };
        c.accounts[0].roleSets = ["base"];
      });
      expect(problems(config)).toEqual([
        'broker.roleName: "vault-server" is also role set "base" (roleSets.base[0]), a role this program creates in primary for Vault to assume: the role Vault runs as must be another, existing role',
      ]);
    });
    test("a role name IAM would refuse", () => {
      expect(problems(keyless((c) => (c.broker.roleName = "vault server")))).toEqual([
        'broker.roleName: "vault server" is not allowed: use letters, digits and + = , . @ _ -',
      ]);
    });
    test("keepUser with identity: user", () => {
      expect(problems(edited((c) => (c.broker.keepUser = true)))).toEqual([
        'broker.keepUser: is only for identity: role, while switching from a user (see docs/security.md, "Switching an estate from user to role"); with identity: user the user is always kept',
      ]);
    });
    test("attachmentSlots that are not a number", () => {
      expect(problems(keyless((c) => (c.broker.attachmentSlots = "five")))).toEqual([
        'broker.attachmentSlots: expected a whole number from 1 to 20, got "five"',
      ]);
    });
    test("attachmentSlots below 1", () => {
      expect(problems(keyless((c) => (c.broker.attachmentSlots = 0)))).toEqual(["broker.attachmentSlots: must be 1 or more"]);
    });
    test("attachmentSlots that are not whole", () => {
      expect(problems(keyless((c) => (c.broker.attachmentSlots = 2.5)))).toEqual(["broker.attachmentSlots: must be a whole number"]);
    });
    test("attachmentSlots past IAM's ceiling", () => {
      expect(problems(keyless((c) => (c.broker.attachmentSlots = 21)))).toEqual([
        "broker.attachmentSlots: must be 20 or less: IAM allows at most 20 managed policies per role, even with a raised quota",
      ]);
    });
    test("vault.maxTtl over the 1h role-chaining cap", () => {
      expect(problems(keyless((c) => (c.vault = { maxTtl: "2h" })))).toEqual([`vault.maxTtl: 2h is longer than 1h: ${cap}`]);
    });
    test("a role's maxTtl over the cap, though its session would allow it", () => {
      expect(problems(keyless((c) => Object.assign(devRole(c), { maxTtl: "90m", maxSessionDuration: "2h" })))).toEqual([
        `accounts[1] (dev).roles[0].maxTtl: 1h30m is longer than 1h: ${cap}`,
      ]);
    });
    test("a role set's maxTtl over the cap, reported once at the set", () => {
      const config = keyless((c) => {
        c.roleSets = { baseline: [{ name: "readonly", maxTtl: "4h", requesters: ["developers"] }] };
        c.accounts[0].roleSets = ["baseline"];
        c.accounts[1].roleSets = ["baseline"];
      });
      expect(problems(config)).toEqual([`roleSets.baseline[0].maxTtl: 4h is longer than 1h: ${cap}`]);
    });
    test("a Vault role's maxTtl over the cap", () => {
      const config = keyless((c) => {
        devRole(c).maxSessionDuration = "2h";
        c.vaultRoles = [{ name: "everywhere", targets: ["dev/ec2-admin"], maxTtl: "2h" }];
      });
      expect(problems(config)).toEqual([`vaultRoles[0].maxTtl: 2h is longer than 1h: ${cap}`]);
    });
    test("with the user kept during the switch too: Vault already uses the role", () => {
      expect(problems(keyless((c) => Object.assign(c, { vault: { maxTtl: "2h" } }, { broker: { ...c.broker, keepUser: true } })))).toEqual([
        `vault.maxTtl: 2h is longer than 1h: ${cap}`,
      ]);
    });
  });
});

describe("pipeline:", () => {
  const withPipeline = (pipeline: unknown) => edited((c) => (c.pipeline = pipeline));
  test("a GitHub repository, with the apply environment's default", () => {
    const config = configOf(withPipeline({ account: "primary", github: { repository: "acme/vault-config" } }));
    expect(config.pipeline).toEqual({
      account: "primary",
      github: { repository: "acme/vault-config", environment: "production", defaultBranch: "main" },
      planRoles: false,
      vaultAuthMount: "jwt",
    });
  });
  test("a GitLab project, with host and protected branch defaults", () => {
    expect(configOf(withPipeline({ account: "primary", gitlab: { project: "acme/platform/vault-config" } })).pipeline?.gitlab).toEqual({
      project: "acme/platform/vault-config",
      host: "gitlab.com",
      ref: "main",
    });
  });
  test("needs exactly one CI system", () => {
    expect(problems(withPipeline({ account: "primary" }))).toEqual(["pipeline: needs exactly one of github or gitlab"]);
    expect(problems(withPipeline({ account: "primary", github: { repository: "a/b" }, gitlab: { project: "a/b" } }))).toEqual([
      "pipeline: needs exactly one of github or gitlab",
    ]);
  });
  test("the hub account must be one of the file's accounts", () => {
    expect(problems(withPipeline({ account: "hub", github: { repository: "a/b" } }))).toEqual([
      'pipeline.account: "hub" is not an account of this file: name the hub account the pipeline\'s roles live in, one of primary, dev',
    ]);
  });
  test("a repository is owner/name", () => {
    expect(problems(withPipeline({ account: "primary", github: { repository: "acme" } }))).toEqual([
      'pipeline.github.repository: "acme" is not allowed: use owner/name of the GitHub repository, e.g. acme/vault-aws-config',
    ]);
  });
});

describe("broker.keepPreviousKey, now that Vault rotates the key", () => {
  test("is accepted, with a warning that it does nothing", () => {
    const config = configOf(edited((c) => Object.assign(c.broker, { keyGeneration: 2, keepPreviousKey: true })));
    expect(configWarnings(config)).toContain(
      "broker.keepPreviousKey does nothing any more: Vault holds the broker's key and rotates it itself when broker.keyGeneration is raised, with no gap; remove it",
    );
    expect(configWarnings(configOf(edited(() => undefined)))).not.toContainEqual(expect.stringMatching(/keepPreviousKey/));
  });
});
