import { unknownManagedPolicy } from "../policy/managed-policies";
import { requesterUses, unknownManagedPolicyMessage } from "./references";
import type { AccountsConfig } from "./schema";

/**
 * What is valid but probably not meant, one line each: a declared requester that no role and no
 * Vault role names grants nothing (its bindings are not created either); with
 * `unknownManagedPolicies: warn`, an AWS managed policy name the snapshot does not know.
 */
export function configWarnings(config: AccountsConfig): string[] {
  const used = new Set(requesterUses(config).map(([name]) => name));
  const unusedRequesters = Object.keys(config.requesters ?? {})
    .filter((name) => !used.has(name))
    .map((name) => `requesters.${name} grants nothing: no role and no Vault role names it, so it gets no policy and its groups are not bound`);
  // With unknownManagedPolicies: warn, what would have been an error.
  const unknownPolicies =
    config.unknownManagedPolicies !== "warn"
      ? []
      : config.accounts.flatMap((account, a) =>
          account.roles.flatMap((role, r) =>
            role.managedPolicyArns.flatMap((arn, m) => {
              const unknown = unknownManagedPolicy(arn);
              return unknown ? [`accounts[${a}] (${account.name}).roles[${r}].managedPolicyArns[${m}]: ${unknownManagedPolicyMessage(arn, unknown.closest)}`] : [];
            }),
          ),
        );
  return [...unusedRequesters, ...unknownPolicies];
}
