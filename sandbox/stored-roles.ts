import { isDeepStrictEqual } from "node:util";
import { GetRoleCommand, IAMClient, ListAttachedRolePoliciesCommand } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { AccountModel, Model } from "../lib/model";
import { iamRoleArn } from "../lib/names";
import type { AwsCredentials, AwsEndpoint } from "./checks";

/** One role as the emulator stores it, compared with what the program meant to create. */
export interface StoredRoleResult {
  readonly accountName: string;
  readonly roleName: string;
  readonly ok: boolean;
  /** What differs, if anything. */
  readonly problems: readonly string[];
}

/**
 * Reads every configured role back from its account (`iam:GetRole`,
 * `iam:ListAttachedRolePolicies`) and compares the stored trust policy, MaxSessionDuration and
 * managed policies with the model. moto does not evaluate trust policies, so this is how the
 * sandbox shows that the policies the unit tests prove are the ones AWS ends up holding.
 */
export async function checkStoredRoles(
  model: Model,
  aws: AwsEndpoint,
  deployer: AwsCredentials,
  deployRoleName: string,
): Promise<StoredRoleResult[]> {
  const results: StoredRoleResult[] = [];
  for (const account of model.accounts) {
    if (account.roles.length === 0) continue;
    const iam = await accountIam(model, account, aws, deployer, deployRoleName);
    for (const role of account.roles) {
      const problems: string[] = [];
      try {
        const { Role: stored } = await iam.send(new GetRoleCommand({ RoleName: role.name }));
        const trust: unknown = JSON.parse(decodeURIComponent(stored!.AssumeRolePolicyDocument!));
        // Compared as data: the emulator, like IAM, may return the keys in another order.
        if (!isDeepStrictEqual(trust, role.trustPolicy)) problems.push(`trust policy is ${JSON.stringify(trust)}`);
        if (stored!.MaxSessionDuration !== role.maxSessionSeconds)
          problems.push(`MaxSessionDuration is ${stored!.MaxSessionDuration}, expected ${role.maxSessionSeconds}`);
        const { AttachedPolicies = [] } = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role.name }));
        const attached = AttachedPolicies.map((p) => p.PolicyArn!).sort();
        if (!isDeepStrictEqual(attached, [...role.managedPolicyArns].sort()))
          problems.push(`attached policies are ${attached.join(", ") || "none"}`);
      } catch (error) {
        problems.push((error as Error).message);
      }
      results.push({ accountName: account.name, roleName: role.name, ok: problems.length === 0, problems });
    }
  }
  return results;
}

/**
 * An IAM client inside one account of the emulator, through that account's deployment role (for an
 * account reached by a profile, the config's default deployment role), as the stacks reach it.
 */
export async function accountIam(
  model: Model,
  account: AccountModel,
  aws: AwsEndpoint,
  deployer: AwsCredentials,
  deployRoleName: string,
): Promise<IAMClient> {
  const roleArn = "roleArn" in account.deployment ? account.deployment.roleArn : iamRoleArn(model.partition, account.id, deployRoleName);
  const sts = new STSClient({ ...aws, credentials: deployer });
  const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "vama-sandbox-inspect" }));
  return new IAMClient({
    ...aws,
    credentials: { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken },
  });
}
