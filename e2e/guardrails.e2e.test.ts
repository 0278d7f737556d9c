import {
  CreateOrganizationCommand,
  DescribePolicyCommand,
  ListPoliciesForTargetCommand,
  ListRootsCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { loadConfig } from "../lib/config/load";
import { buildModel } from "../lib/model";
import { type Emulator, startEmulator } from "../sandbox/emulator";
import { SANDBOX_KEY } from "../sandbox/profiles";
import { runSandbox } from "../sandbox/run-sandbox";
import { collector, smallConfig, workDir, writeConfig } from "./fixtures";

/**
 * The organization stack applied to moto's Organizations API: the guardrail SCP is created in the
 * management account and attached to the root. (moto stores SCPs; it does not enforce them: the
 * evaluator tests show their effect.)
 */
let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator?.stop();
});

const MANAGEMENT = "999999999999";

async function organizations(): Promise<OrganizationsClient> {
  const sts = new STSClient({
    endpoint: emulator.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: SANDBOX_KEY.AWS_ACCESS_KEY_ID, secretAccessKey: SANDBOX_KEY.AWS_SECRET_ACCESS_KEY },
  });
  const { Credentials: c } = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${MANAGEMENT}:role/OrganizationAccountAccessRole`, RoleSessionName: "e2e" }),
  );
  return new OrganizationsClient({
    endpoint: emulator.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken },
  });
}

test("the sandbox creates the guardrail SCP in the management account and attaches it to the root", async () => {
  const orgs = await organizations();
  await orgs.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
  const [root] = (await orgs.send(new ListRootsCommand({}))).Roots!;
  const dir = workDir("guardrails");
  const config: any = smallConfig();
  config.guardrails = { organization: { managementAccountId: MANAGEMENT, targets: [root.Id] } };
  const file = writeConfig(dir, "accounts.yaml", config);
  const progress = collector();
  const result = await runSandbox({ configFile: file, workDir: dir, log: progress.log }, emulator);
  if (!result.ok) console.log(progress.lines.join("\n"));
  expect(result.ok).toBe(true);
  expect(result.stacks.find((s) => s.stack === "aws-organization")).toMatchObject({ action: "applied", detail: "+2 ~0 -0" });
  expect(result.secondPlan["aws-organization"]).toBe(0);
  const attached = (await orgs.send(new ListPoliciesForTargetCommand({ TargetId: root.Id, Filter: "SERVICE_CONTROL_POLICY" }))).Policies!;
  const guardrail = attached.find((p) => p.Name === "vault-aws-guardrails")!;
  expect(guardrail).toBeDefined();
  const { Policy } = await orgs.send(new DescribePolicyCommand({ PolicyId: guardrail.Id }));
  expect(JSON.parse(Policy!.Content!)).toEqual(buildModel(loadConfig(file)).guardrails!.policy);
});
