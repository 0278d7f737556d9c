/**
 * Generated accounts configs for the benchmark and the scale tests: `count` accounts with
 * `rolesPerAccount` roles each, the first one holding the broker.
 */
export function generatedConfig(count: number, rolesPerAccount = 2): Record<string, unknown> {
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
  const plain = generatedConfig(count, 2) as { accounts: { name: string; id: string; roles: { requesters: string[] }[] }[] };
  const setOf = (requester: string) => plain.accounts.find((a) => a.roles[0].requesters[0] === requester)!.roles;
  return {
    ...plain,
    roleSets: { even: setOf("developers"), odd: setOf("sre") },
    accounts: plain.accounts.map((a, i) => ({ name: a.name, id: a.id, roleSets: [i % 2 === 0 ? "even" : "odd"] })),
  };
}
