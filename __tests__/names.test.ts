import { identityGroupName } from "../lib/names";

describe("identityGroupName", () => {
  test("plain parts keep the readable <policy>--<mount>--<group>", () => {
    expect(identityGroupName("aws-developers", "oidc", "eng-developers")).toBe("aws-developers--oidc--eng-developers");
  });

  test("parts that could be read two ways get a hash of the exact parts", () => {
    // Requester dev on mount x--y, and requester dev--x on mount y: the same readable name.
    const a = identityGroupName("aws-dev", "x--y", "g");
    const b = identityGroupName("aws-dev--x", "y", "g");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^aws-dev--x--y--g--[0-9a-f]{16}$/);
    expect(b).toMatch(/^aws-dev--x--y--g--[0-9a-f]{16}$/);
  });

  test("a hashed name is never a plain one, even when a plain group ends in what looks like a hash", () => {
    const hashed = identityGroupName("aws-dev", "ldap/corp", "devs");
    const [, digest] = /--([0-9a-f]{16})$/.exec(hashed)!;
    expect(identityGroupName("aws-dev", "ldap_corp", `devs--${digest}`)).not.toBe(hashed);
    expect(identityGroupName("aws-dev", "ldap_corp", "devs")).toBe("aws-dev--ldap_corp--devs");
    expect(hashed).not.toBe("aws-dev--ldap_corp--devs");
  });

  test("characters Vault's path cannot take are replaced in the readable part, and the hash keeps them apart", () => {
    expect(identityGroupName("aws-dev", "oidc", "cn=devs,ou=groups dc")).toMatch(/^aws-dev--oidc--cn=devs,ou=groups_dc--[0-9a-f]{16}$/);
    expect(identityGroupName("aws-dev", "oidc", "a b")).not.toBe(identityGroupName("aws-dev", "oidc", "a/b"));
  });

  test("no two of every triple over an adversarial alphabet share a name", () => {
    // Every string of up to 3 characters over { a, -, _, / }: separators, their halves, and what cleaning maps together.
    const words = [""];
    for (let length = 1; length <= 3; length++)
      for (const w of words.filter((x) => x.length === length - 1)) for (const c of ["a", "-", "_", "/"]) words.push(w + c);
    const parts = words.filter((w) => w !== "");
    const seen = new Map<string, string>();
    const collisions: string[] = [];
    for (const p of ["aws-a", "aws-a-", "aws--a"]) {
      for (const m of parts) {
        for (const g of parts) {
          const name = identityGroupName(p, m, g);
          const tuple = JSON.stringify([p, m, g]);
          if (seen.has(name)) collisions.push(`${seen.get(name)} and ${tuple} are both ${name}`);
          seen.set(name, tuple);
        }
      }
    }
    expect(collisions).toEqual([]);
    expect(seen.size).toBe(3 * parts.length * parts.length);
  });
});
