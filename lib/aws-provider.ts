import type { AwsProviderConfig } from "@cdktf/provider-aws/lib/provider";
import type { AccountModel } from "./model";
import type { SandboxOptions } from "./sandbox";

/** Session name of the deployment role, visible in CloudTrail. */
export const DEPLOY_SESSION_NAME = "vault-aws-multi-account";

/**
 * The AWS provider of one account's stack. It enters the account through the deployment role (or
 * a named profile) and pins `allowed_account_ids`, so a credential wired to the wrong account makes
 * Terraform stop instead of changing that account.
 */
export function awsProviderConfig(account: AccountModel, sandbox?: SandboxOptions): AwsProviderConfig {
  const access: AwsProviderConfig =
    "profile" in account.deployment
      ? { profile: account.deployment.profile }
      : { assumeRole: [{ roleArn: account.deployment.roleArn, sessionName: DEPLOY_SESSION_NAME }] };
  return {
    region: account.region,
    allowedAccountIds: [account.id],
    ...access,
    ...(sandbox && sandboxProviderConfig(sandbox)),
  };
}

/** What sandbox mode adds to every AWS provider: emulator endpoints and the checks it cannot pass. */
function sandboxProviderConfig(sandbox: SandboxOptions): AwsProviderConfig {
  const url = sandbox.awsEndpoint;
  return {
    endpoints: [{ iam: url, sts: url, ec2: url, organizations: url }],
    skipCredentialsValidation: true,
    skipMetadataApiCheck: "true",
    skipRegionValidation: true,
    // The provider's default of 25 retries keeps a dead emulator's apply hanging for minutes;
    // a local emulator either answers or is gone.
    maxRetries: 2,
  };
}
