import { requesterUses } from "./references";
import type { AccountsConfig } from "./schema";

/**
 * What is valid but probably not meant, one line each: a declared requester that no role and no
 * Vault role names grants nothing (its bindings are not created either).
 */
export function configWarnings(config: AccountsConfig): string[] {
  const used = new Set(requesterUses(config).map(([name]) => name));
  return Object.keys(config.requesters ?? {})
    .filter((name) => !used.has(name))
    .map((name) => `requesters.${name} grants nothing: no role and no Vault role names it, so it gets no policy and its groups are not bound`);
}
