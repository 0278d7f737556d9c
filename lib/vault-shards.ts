import { createHash } from "node:crypto";

/**
 * The `vault-roles-NN` stack a key belongs to, out of `count`: the first four bytes of the key's
 * SHA-256, modulo `count`. It depends on the key and the count only, never on the other keys, so
 * adding or removing an account moves no other account's roles between stacks.
 *
 * The key is the account's name for the roles of one account (all of an account's roles share a
 * stack, so adding an account changes one roles stack), and the Vault role's name for a role
 * spanning accounts.
 */
export function roleStackIndex(key: string, count: number): number {
  return createHash("sha256").update(key).digest().readUInt32BE(0) % count;
}
