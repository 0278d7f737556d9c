import { CreateRoleCommand, GetRoleCommand, NoSuchEntityException } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { Model } from "../lib/model";
import type { AwsCredentials, AwsEndpoint } from "./checks";
import { SANDBOX_KEY } from "./profiles";
import { accountIam } from "./stored-roles";

/** The session name of the keyless broker's session in the sandbox, as a runtime would name it. */
export const BROKER_SESSION_NAME = "vault-server";

/**
 * Where the keyless broker's credentials come from in the sandbox. In production the role Vault
 * runs as exists before the program runs, and Vault's environment (its instance profile, IRSA or
 * Pod Identity, or its ECS task) hands it a session of that role. Here the role is created in the
 * broker's account through the deployment role (once; a rerun finds it), trusting the EC2 service as
 * an instance profile's role would, and assumed with the emulator's throwaway key (moto evaluates
 * no trust policy). The session lasts the 1 h a runtime's session typically lasts; moto does not
 * expire it.
 *
 * @returns the role session's credentials: what Vault gets in its environment
 */
export async function brokerRoleSession(
  model: Model,
  aws: AwsEndpoint,
  deployRoleName: string,
  log: (line: string) => void,
): Promise<AwsCredentials> {
  const role = model.broker.role;
  if (!role) throw new Error("brokerRoleSession needs a broker with broker.roleName");
  const account = model.accounts.find((a) => a.name === model.broker.accountName)!;
  const throwaway = { accessKeyId: SANDBOX_KEY.AWS_ACCESS_KEY_ID, secretAccessKey: SANDBOX_KEY.AWS_SECRET_ACCESS_KEY };
  const iam = await accountIam(model, account, aws, throwaway, deployRoleName);
  try {
    await iam.send(new GetRoleCommand({ RoleName: role.roleName }));
  } catch (error) {
    if (!(error instanceof NoSuchEntityException)) throw error;
    await iam.send(
      new CreateRoleCommand({
        RoleName: role.roleName,
        AssumeRolePolicyDocument: JSON.stringify(RUNTIME_TRUST),
        Description: "Stands in for the role Vault runs as (vault-aws sandbox)",
      }),
    );
    log(`broker role: ${role.roleName} created in ${account.name} (${account.id}), standing in for the existing role Vault runs as`);
  }
  const sts = new STSClient({ ...aws, credentials: throwaway });
  const { Credentials: c } = await sts.send(
    new AssumeRoleCommand({ RoleArn: role.roleArn, RoleSessionName: BROKER_SESSION_NAME, DurationSeconds: 3600 }),
  );
  return { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken };
}

/** The trust of an instance profile's role: the EC2 service hands its sessions to the instance. */
const RUNTIME_TRUST = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
};

/** The environment that gives Vault these AWS credentials, as its runtime would. */
export function awsEnvironment(credentials: AwsCredentials, region: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken !== undefined && { AWS_SESSION_TOKEN: credentials.sessionToken }),
    AWS_REGION: region,
  };
}
