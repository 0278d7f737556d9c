/** One account of a generated config, as written. */
export interface GeneratedAccount {
  name: string;
  id: string;
  roles: { name: string; managedPolicyArns: string[]; requesters: string[] }[];
}

/** A generated config as written, which a benchmark may change (an account more, a `vault` or `state` block) before writing it out. */
export interface GeneratedConfig {
  broker: { account: string };
  requesters: Record<string, { description: string }>;
  accounts: GeneratedAccount[];
  [field: string]: unknown;
}

/**
 * Generated accounts configs for the benchmark and the scale tests: `count` accounts with
 * `rolesPerAccount` roles each, the first one holding the broker.
 */
export function generatedConfig(count: number, rolesPerAccount = 2): GeneratedConfig {
  const accounts = Array.from({ length: count }, (_, i) => ({
    name: i === 0 ? "primary" : `account-${String(i).padStart(4, "0")}`,
    id: String(100_000_000_000 + i),
    roles: Array.from({ length: rolesPerAccount }, (_, r) => ({
      name: ["ec2-admin", "readonly", "deployer", "auditor"][r % 4] + (r >= 4 ? `-${r}` : ""),
      managedPolicyArns: [r % 2 === 0 ? "arn:aws:iam::aws:policy/AmazonEC2FullAccess" : "arn:aws:iam::aws:policy/ReadOnlyAccess"],
      requesters: [i % 2 === 0 ? "developers" : "sre"],
    })),
  }));
  return {
    broker: { account: "primary" },
    requesters: { developers: { description: "Application developers" }, sre: { description: "On-call SREs" } },
    accounts,
  };
}

/**
 * `generatedConfig(count, 2)` written with role sets: the same accounts and roles, each account one
 * line (`roleSets: [even]` or `[odd]`, as its roles' requesters alternate). Synthesizes the same bytes.
 */
export function generatedSetConfig(count: number): Record<string, unknown> {
  const plain = generatedConfig(count, 2);
  const setOf = (requester: string) => plain.accounts.find((a) => a.roles[0].requesters[0] === requester)!.roles;
  return {
    ...plain,
    roleSets: { even: setOf("developers"), odd: setOf("sre") },
    accounts: plain.accounts.map((a, i) => ({ name: a.name, id: a.id, roleSets: [i % 2 === 0 ? "even" : "odd"] })),
  };
}

/** Environments and regions of `accessReportConfig`'s accounts, which become their tags. */
const REPORT_ENVIRONMENTS = ["prod", "staging", "dev", "sandbox"] as const;
const REPORT_REGIONS = ["eu", "us", "ap"] as const;

/**
 * A generated config for the access report at scale (kept apart from `generatedConfig`, which the
 * synth benchmark and the scale tests measure): `count` accounts tagged by environment and region
 * (12 groups), one in a hundred untagged (`legacy-…`, grouped by name), with privileges of every
 * level: read-only and EC2 roles everywhere, AdministratorAccess break-glass roles in prod, an
 * inline `*` admin role in sandboxes, IAMFullAccess in every 50th account, and one Vault role over
 * all of prod-eu's read-only roles.
 */
export function accessReportConfig(count: number): Record<string, unknown> {
  const policy = (name: string) => `arn:aws:iam::aws:policy/${name}`;
  const accounts = Array.from({ length: count }, (_, i) => {
    const id = String(100_000_000_000 + i);
    if (i === 0)
      return {
        name: "primary",
        id,
        tags: ["shared"],
        roles: [{ name: "readonly", managedPolicyArns: [policy("ReadOnlyAccess")], requesters: ["sre", "auditors"] }],
      };
    const env = REPORT_ENVIRONMENTS[i % 4];
    const region = REPORT_REGIONS[Math.floor(i / 4) % 3];
    const legacy = i % 100 === 99;
    const prod = env === "prod";
    const roles: Record<string, unknown>[] = [
      {
        name: "readonly",
        managedPolicyArns: [policy("ReadOnlyAccess")],
        requesters: prod ? ["sre", "auditors"] : ["developers", "sre", "auditors"],
      },
      { name: "ec2-admin", managedPolicyArns: [policy("AmazonEC2FullAccess")], requesters: prod ? ["sre"] : ["developers", "sre"] },
    ];
    if (prod)
      roles.push({
        name: "breakglass",
        managedPolicyArns: [policy("AdministratorAccess")],
        maxTtl: "1h",
        defaultTtl: "15m",
        requesters: ["incident-response"],
      });
    if (env === "sandbox") {
      roles.push({
        name: "sandbox-admin",
        inlinePolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
        requesters: ["developers"],
      });
    }
    if (i % 50 === 0) roles.push({ name: "iam-admin", managedPolicyArns: [policy("IAMFullAccess")], requesters: ["platform"] });
    const name = `${legacy ? "legacy" : "acct"}-${String(i).padStart(4, "0")}`;
    return { name, id, ...(legacy ? {} : { tags: [env, region] }), ...(prod ? { externalId: "prod-vault-2f9c" } : {}), roles };
  });
  const prodEu = accounts.filter((a) => (a.tags ?? []).join() === "prod,eu").map((a) => `${a.name}/readonly`);
  return {
    broker: { account: "primary" },
    requesters: {
      developers: { description: "Application developers: non-production", groups: [{ authMount: "oidc", name: "eng-developers" }] },
      sre: { description: "On-call SREs", groups: [{ authMount: "oidc", name: "eng-sre" }] },
      auditors: { description: "Security and compliance reviewers" },
      "incident-response": { description: "Break-glass administrators, during an incident" },
      platform: { description: "Platform team: IAM administration" },
    },
    accounts,
    vaultRoles: prodEu.length > 0 ? [{ name: "readonly-prod-eu", targets: prodEu, requesters: ["auditors"] }] : [],
  };
}
