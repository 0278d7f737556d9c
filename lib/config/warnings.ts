import { unknownManagedPolicy } from "../policy/managed-policies";
import { requesterUses, unknownManagedPolicyMessage } from "./references";
import type { AccountsConfig } from "./schema";

/**
 * What is valid but probably not meant, one line each: a declared requester that no role and no
 * Vault role names grants nothing (its bindings are not created either); with
 * `unknownManagedPolicies: warn`, an AWS managed policy name the snapshot does not know; a role set
 * no account takes; with guardrails, an account deployed through a profile that no exemption names.
 */
export function configWarnings(config: AccountsConfig): string[] {
  const used = new Set(requesterUses(config).map(([name]) => name));
  const unusedRequesters = Object.keys(config.requesters ?? {})
    .filter((name) => !used.has(name))
    .map(
      (name) => `requesters.${name} grants nothing: no role and no Vault role names it, so it gets no policy and its groups are not bound`,
    );
  // With unknownManagedPolicies: warn, what would have been an error: once where the role is
  // written, in a role set or in the account (an account's roles hold its sets' roles, expanded).
  const unknownPolicies: string[] = [];
  const check = (path: string, role: { managedPolicyArns: readonly string[] }) =>
    role.managedPolicyArns.forEach((arn, m) => {
      const unknown = unknownManagedPolicy(arn);
      if (unknown) unknownPolicies.push(`${path}.managedPolicyArns[${m}]: ${unknownManagedPolicyMessage(arn, unknown.closest)}`);
    });
  if (config.unknownManagedPolicies === "warn") {
    for (const [set, roles] of Object.entries(config.roleSets)) roles.forEach((role, k) => check(`roleSets.${set}[${k}]`, role));
    config.accounts.forEach((account, a) => {
      const fromSets = new Set(account.roleSets.flatMap((set) => config.roleSets[set] ?? []));
      account.roles.filter((role) => !fromSets.has(role)).forEach((role, r) => check(`accounts[${a}] (${account.name}).roles[${r}]`, role));
    });
  }
  const taken = new Set(config.accounts.flatMap((account) => account.roleSets));
  const unusedSets = Object.keys(config.roleSets)
    .filter((set) => !taken.has(set))
    .map((set) => `roleSets.${set} is taken by no account: no account lists it under roleSets:, so its roles are not created anywhere`);
  // Vault rotates the broker's key itself now (docs/pipeline.md), with no second key to keep.
  const keepPreviousKey = config.broker.keepPreviousKey
    ? [
        "broker.keepPreviousKey does nothing any more: Vault holds the broker's key and rotates it itself when broker.keyGeneration is raised, with no gap; remove it",
      ]
    : [];
  return [...unusedRequesters, ...unusedSets, ...unknownPolicies, ...keepPreviousKey, ...lockedOutByGuardrails(config)];
}

/**
 * Accounts deployed through a named profile, under guardrails: the SCP exempts deployment roles,
 * and whoever the profile is, it is none of them, unless an exemption names a principal of that account.
 */
function lockedOutByGuardrails(config: AccountsConfig): string[] {
  if (!config.guardrails) return [];
  const exemptAccounts = new Set(config.guardrails.exemptPrincipalArns.map((arn) => arn.split(":")[4]));
  return config.accounts.flatMap((account, a) =>
    account.deployment?.profile && !exemptAccounts.has(account.id) && !exemptAccounts.has("*")
      ? [
          `accounts[${a}] (${account.name}) deploys through profile "${account.deployment.profile}", which the guardrail SCP does not exempt: ` +
            `every change to its managed roles, the kill switch included, would be denied; add the profile's principal to guardrails.exemptPrincipalArns ` +
            `(e.g. arn:aws:iam::${account.id}:role/<the profile's role>) or give the account a deployment roleName`,
        ]
      : [],
  );
}
