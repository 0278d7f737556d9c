import { accessDiff, accessOf, describeAccess } from "../lib/access";
import { loadConfig } from "../lib/config/load";
import { buildModel } from "../lib/model";
import { baseConfig, modelOf } from "./helpers";

describe("accessOf", () => {
  test("one grant per requester and ARN, with what a report shows beside it", () => {
    const config = baseConfig();
    config.accounts[1].tags = ["nonprod", "eu"];
    expect(accessOf(modelOf(config))).toEqual([
      {
        requester: "developers",
        vaultRole: "dev-ec2-admin",
        roleArn: "arn:aws:iam::222222222222:role/ec2-admin",
        accountName: "dev",
        accountId: "222222222222",
        roleName: "ec2-admin",
        stsPath: "aws/sts/dev-ec2-admin",
        defaultTtlSeconds: 3600,
        maxTtlSeconds: 3600,
        externalGroups: [],
        accountTags: ["nonprod", "eu"],
        managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEC2FullAccess"],
        hasInlinePolicy: false,
        externalIdRequired: false,
        privilege: "write",
        privilegeReasons: ["AmazonEC2FullAccess is neither an administrator nor a read-only policy"],
        vaultCommand: "vault write aws/sts/dev-ec2-admin ttl=1h",
      },
    ]);
  });

  const example = accessOf(buildModel(loadConfig("accounts.yaml")));

  test("a Vault role over several ARNs gets one grant per ARN, each command picking its ARN with role_arn", () => {
    expect(example.filter((g) => g.vaultRole === "readonly-nonprod").map((g) => g.vaultCommand)).toEqual([
      "vault write aws/sts/readonly-nonprod role_arn=arn:aws:iam::111111111111:role/readonly ttl=1h",
      "vault write aws/sts/readonly-nonprod role_arn=arn:aws:iam::222222222222:role/readonly ttl=1h",
    ]);
  });

  test("the command asks for the role's default TTL", () => {
    expect(example.find((g) => g.vaultRole === "dev-ec2-admin")?.vaultCommand).toBe("vault write aws/sts/dev-ec2-admin ttl=15m");
  });

  test("an account's external ID marks its roles' grants", () => {
    expect(new Set(example.filter((g) => g.externalIdRequired).map((g) => g.accountName))).toEqual(new Set(["prod"]));
  });

  test("an inline policy is flagged, and its privilege comes from its actions", () => {
    expect(example.find((g) => g.vaultRole === "staging-deployer")).toMatchObject({
      managedPolicyArns: [],
      hasInlinePolicy: true,
      privilege: "write",
    });
  });

  test("ReadOnlyAccess roles are read, AmazonEC2FullAccess roles write", () => {
    expect(Object.fromEntries(example.map((g) => [g.roleName, g.privilege]))).toEqual({
      readonly: "read",
      "ec2-admin": "write",
      deployer: "write",
    });
  });
});

describe("accessDiff", () => {
  test("compares by requester, Vault role and ARN only, so an older access.json diffs the same", () => {
    const current = accessOf(buildModel(loadConfig("accounts.yaml")));
    const older = current.map(({ requester, vaultRole, roleArn }) => ({ requester, vaultRole, roleArn }));
    expect(accessDiff(older, current)).toEqual({ granted: [], revoked: [] });
    const diff = accessDiff(older.slice(1), current);
    expect(diff.granted.map((e) => describeAccess(e, "granted"))).toEqual([
      "auditors may now request primary-readonly: arn:aws:iam::111111111111:role/readonly",
    ]);
  });
});
