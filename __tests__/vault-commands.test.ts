import { stsCommands } from "../lib/vault-commands";

describe("stsCommands", () => {
  test("a single-ARN role: one command with the default TTL", () => {
    expect(stsCommands("aws/sts/dev-ec2-admin", ["arn:aws:iam::222222222222:role/ec2-admin"], 900)).toEqual([
      "vault write aws/sts/dev-ec2-admin ttl=15m",
    ]);
  });
  test("a role spanning accounts: one command per ARN, picking it with role_arn", () => {
    expect(stsCommands("aws/sts/ro", ["arn:aws:iam::1:role/a", "arn:aws:iam::2:role/b"], 3600)).toEqual([
      "vault write aws/sts/ro role_arn=arn:aws:iam::1:role/a ttl=1h",
      "vault write aws/sts/ro role_arn=arn:aws:iam::2:role/b ttl=1h",
    ]);
  });
});
