import { brokerTrustPolicy } from "../../lib/policy/trust-policy";

const broker = {
  brokerAccountRootArn: "arn:aws:iam::111111111111:root",
  brokerPrincipalArns: ["arn:aws:iam::111111111111:user/vault-account"],
};

describe("brokerTrustPolicy", () => {
  const statement = brokerTrustPolicy(broker).Statement;

  test("has a single statement", () => expect(statement).toHaveLength(1));
  test("allows only sts:AssumeRole", () => {
    expect(statement[0].Effect).toBe("Allow");
    expect(statement[0].Action).toBe("sts:AssumeRole");
  });
  test("names the broker's account root as principal, so the role can exist before the user", () => {
    expect(statement[0].Principal).toEqual({ AWS: "arn:aws:iam::111111111111:root" });
  });
  test("lets in no principal of that account but the broker user, by ARN", () => {
    expect(statement[0].Condition).toEqual({
      StringEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:user/vault-account" },
    });
  });
  test("requires sts:ExternalId when one is configured", () => {
    const withId = brokerTrustPolicy({ ...broker, externalId: "prod-2f9c" }).Statement[0];
    expect(withId.Condition).toEqual({
      StringEquals: {
        "aws:PrincipalArn": "arn:aws:iam::111111111111:user/vault-account",
        "sts:ExternalId": "prod-2f9c",
      },
    });
  });
  test("lets in the role Vault runs as, by the role's ARN (a keyless broker)", () => {
    const keyless = brokerTrustPolicy({ ...broker, brokerPrincipalArns: ["arn:aws:iam::111111111111:role/vault-server"] }).Statement[0];
    expect(keyless.Condition).toEqual({ StringEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/vault-server" } });
  });
  test("during a switch, lets in the user and the role, and nothing else", () => {
    const both = brokerTrustPolicy({
      ...broker,
      brokerPrincipalArns: ["arn:aws:iam::111111111111:user/vault-account", "arn:aws:iam::111111111111:role/vault-server"],
      externalId: "prod-2f9c",
    }).Statement;
    expect(both).toHaveLength(1);
    expect(both[0].Principal).toEqual({ AWS: "arn:aws:iam::111111111111:root" });
    expect(both[0].Condition).toEqual({
      StringEquals: {
        "aws:PrincipalArn": ["arn:aws:iam::111111111111:user/vault-account", "arn:aws:iam::111111111111:role/vault-server"],
        "sts:ExternalId": "prod-2f9c",
      },
    });
  });
  test("does not allow sts:TagSession (Vault does not tag sessions here)", () => {
    expect(JSON.stringify(brokerTrustPolicy(broker))).not.toContain("TagSession");
  });
});
