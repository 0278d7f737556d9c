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
