import { generatedConfig } from "../lib/config/generated";
import { roleStackIndex } from "../lib/vault-shards";
import { modelOf } from "./helpers";

describe("roleStackIndex", () => {
  test("is the first four bytes of the key's SHA-256 modulo the count", () => {
    // sha256("dev") starts with ef260e9a.
    expect(roleStackIndex("dev", 16)).toBe(0xef260e9a % 16);
    expect(roleStackIndex("dev", 7)).toBe(0xef260e9a % 7);
  });
  test("stays within 0..count-1, and is 0 for a single stack", () => {
    for (const key of ["a", "prod", "account-0999", "readonly-nonprod"]) {
      expect(roleStackIndex(key, 16)).toBeGreaterThanOrEqual(0);
      expect(roleStackIndex(key, 16)).toBeLessThan(16);
      expect(roleStackIndex(key, 1)).toBe(0);
    }
  });
});

describe("stable assignment at 1,000 accounts", () => {
  const base = generatedConfig(1000, 2) as { accounts: any[] };
  const stackOf = (config: unknown) => new Map(modelOf(config).vaultRoles.map((r) => [r.name, r.stackName]));
  const before = stackOf(base);

  test("adding an account, at the end or in the middle, moves no other account's role", () => {
    for (const at of [base.accounts.length, 500]) {
      const config = structuredClone(base);
      config.accounts.splice(at, 0, { ...config.accounts[1], name: "added", id: "999999999999" });
      const after = stackOf(config);
      for (const [role, stack] of before) expect([role, after.get(role)]).toEqual([role, stack]);
      expect(after.get("added-ec2-admin")).toBe(after.get("added-readonly"));
    }
  });
  test("removing an account moves no other account's role", () => {
    const config = structuredClone(base);
    const [removed] = config.accounts.splice(500, 1);
    const after = stackOf(config);
    for (const [role, stack] of before) {
      if (role.startsWith(`${removed.name}-`)) expect(after.has(role)).toBe(false);
      else expect([role, after.get(role)]).toEqual([role, stack]);
    }
  });
});
