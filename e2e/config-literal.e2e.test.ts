import { GetRolePolicyCommand, IAMClient } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { type Emulator, startEmulator } from "../sandbox/emulator";
import { SANDBOX_KEY } from "../sandbox/profiles";
import { runSandbox } from "../sandbox/run-sandbox";
import { collector, smallConfig, workDir, writeConfig } from "./fixtures";

/**
 * Config text reaches AWS as written: an inline policy with IAM policy variables (an ABAC policy),
 * Terraform's own template syntax and a string that would copy the broker's secret key into the
 * policy is applied by the real terraform and provider to the emulator, and read back with the IAM
 * API. The AWS half only: no Vault server is needed for what this proves.
 */
let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator?.stop();
});

const POLICY = {
  Version: "2012-10-17",
  Statement: [
    { Sid: "OwnHome", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::home/${aws:username}/*" },
    {
      Sid: "OwnTeam",
      Effect: "Allow",
      Action: "ec2:StartInstances",
      Resource: "*",
      Condition: { StringEquals: { "aws:ResourceTag/team": "${aws:PrincipalTag/team}" } },
    },
    // What a config-only pull request could use to store the broker's secret key in a policy.
    {
      Sid: "Inert",
      Effect: "Deny",
      Action: "s3:GetObject",
      Resource: [
        "arn:aws:s3:::${nonsensitive(aws_iam_access_key.broker_access-key-1_7A42E3E4.secret)}",
        "arn:aws:s3:::x/%{ if true }y%{ endif }/$${z}",
      ],
    },
  ],
};

async function iamOf(accountId: string): Promise<IAMClient> {
  const key = { accessKeyId: SANDBOX_KEY.AWS_ACCESS_KEY_ID, secretAccessKey: SANDBOX_KEY.AWS_SECRET_ACCESS_KEY };
  const sts = new STSClient({ endpoint: emulator.endpoint, region: "us-east-1", credentials: key });
  const { Credentials: c } = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`, RoleSessionName: "e2e" }),
  );
  return new IAMClient({
    endpoint: emulator.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken },
  });
}

test("an inline policy with ${aws:username}, ${aws:PrincipalTag/team} and template syntax is stored as the config's document", async () => {
  const dir = workDir("literal");
  // One account, the broker's, holding the role: one stack to apply.
  const config: any = smallConfig();
  config.accounts = [{ ...config.accounts[0], roles: [{ ...config.accounts[1].roles[0], inlinePolicy: POLICY }] }];
  const file = writeConfig(dir, "accounts.yaml", config);
  const progress = collector();
  const result = await runSandbox({ configFile: file, workDir: dir, log: progress.log }, emulator);
  if (!result.ok) console.log(progress.lines.join("\n"));
  expect(result.ok).toBe(true);
  expect(result.secondPlan["aws-primary"]).toBe(0);

  const iam = await iamOf("111111111111");
  const stored = await iam.send(new GetRolePolicyCommand({ RoleName: "ec2-admin", PolicyName: "inline" }));
  expect(JSON.parse(decodeURIComponent(stored.PolicyDocument!))).toEqual(POLICY);
});
