import type { Model } from "../lib/model";
import {
  type AwsEndpoint,
  type CheckResult,
  type CheckTarget,
  checkTarget,
  checkTargets,
  type CredentialSource,
  type IssuedCredentials,
} from "./checks";
import type { VaultClient } from "../run/vault-client";

/**
 * Credentials the way a requester gets them: `vault write <mount>/sts/<role> ttl=<ttl>` (with
 * `role_arn=` for a role spanning several ARNs) through Vault's HTTP API, with a token.
 */
export class VaultSts implements CredentialSource {
  public readonly name = "vault write";

  constructor(
    private readonly client: VaultClient,
    readonly requester?: string,
  ) {}

  async issue(target: CheckTarget): Promise<IssuedCredentials> {
    const answer = await this.client.write(target.stsPath, stsRequest(target));
    const data = answer.data;
    if (typeof data?.access_key !== "string" || typeof data.secret_key !== "string")
      throw new Error(`write ${target.stsPath}: Vault's answer holds no data.access_key and data.secret_key`);
    const sessionToken = data.session_token ?? data.security_token;
    return {
      accessKeyId: data.access_key,
      secretAccessKey: data.secret_key,
      sessionToken: typeof sessionToken === "string" ? sessionToken : undefined,
      leaseSeconds: typeof answer.lease_duration === "number" ? answer.lease_duration : undefined,
    };
  }
}

/** The body of the STS write for one target: the TTL, and `role_arn` where the role spans several. */
export function stsRequest(target: CheckTarget): Record<string, string> {
  return { ttl: `${target.ttlSeconds}s`, ...(target.spanning && { role_arn: target.role.roleArn }) };
}

/** The Vault ACL policy names of each requester group: those its identity groups carry. */
export function requesterPolicyNames(model: Model): Map<string, readonly string[]> {
  return new Map(model.requesterPolicies.map((p) => [p.requester, p.policyNames]));
}

/**
 * One token per requester group, each holding only the ACL policies that group's identity groups
 * carry (not even Vault's `default` policy), made with the root client.
 */
export async function requesterTokens(root: VaultClient, model: Model, ttl = "1h"): Promise<Map<string, VaultClient>> {
  const tokens = new Map<string, VaultClient>();
  for (const [requester, policy] of requesterPolicyNames(model)) tokens.set(requester, root.withToken(await root.createToken(policy, ttl)));
  return tokens;
}

/**
 * The walkthrough through Vault, for every Vault role, every ARN of a spanning role and every
 * requester group granted it: the group's own token writes the STS path, and the credentials go
 * through the same identity checks as the broker's. A role no group is granted is checked with the
 * root token, so that it is still proven to work through Vault.
 */
export async function proveThroughVault(model: Model, root: VaultClient, aws: AwsEndpoint): Promise<CheckResult[]> {
  const tokens = await requesterTokens(root, model);
  const results: CheckResult[] = [];
  for (const target of checkTargets(model)) {
    const sources =
      target.requesters.length > 0 ? target.requesters.map((r) => new VaultSts(tokens.get(r)!, r)) : [new VaultSts(root, "(root token)")];
    for (const source of sources) results.push(await checkTarget(source, target, model, aws));
  }
  return results;
}
