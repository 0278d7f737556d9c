import { isJsonObject, type JsonObject } from "./json";

/**
 * A Vault HTTP API answer's body, parsed: the envelope most endpoints answer with. `data` holds what
 * the endpoint itself answers (`null` where it answers nothing there, such as a token create, and
 * absent from an empty answer); `auth` the token a login or token create made. A few `sys/`
 * endpoints (init, leader, unseal) answer without the envelope, their fields at the top. Every value
 * inside is `unknown` until the reader checks it: Vault's answer comes from outside.
 */
export interface VaultBody {
  readonly data?: JsonObject | null;
  readonly auth?: JsonObject | null;
  readonly lease_duration?: unknown;
  readonly errors?: unknown;
  readonly [field: string]: unknown;
}

/** Whether a parsed answer is Vault's envelope: an object whose `data` and `auth`, where present, are objects or null. */
function isVaultBody(value: unknown): value is VaultBody {
  return isJsonObject(value) && [value.data, value.auth].every((part) => part === undefined || part === null || isJsonObject(part));
}

/**
 * The body of a Vault answer, from its text: `{}` when there is none. Throws a `SyntaxError` on text
 * that is not JSON, and an error saying so on JSON that is not Vault's envelope.
 */
export function parseVaultBody(text: string): VaultBody {
  if (!text) return {};
  const parsed: unknown = JSON.parse(text);
  if (!isVaultBody(parsed)) throw new Error(`Vault's answer is not the JSON object Vault answers with: ${text.slice(0, 200)}`);
  return parsed;
}

/** A Vault answer's body, or its text (cut to 200 characters) as the one error when it is not Vault's JSON, such as a proxy's page. */
export function parseVaultBodyOrText(text: string): VaultBody {
  try {
    return parseVaultBody(text);
  } catch {
    return { errors: [text.slice(0, 200)] };
  }
}

/** The `errors` list of a Vault answer's body, as strings; none when the body has none. */
export function vaultErrors(body: unknown): string[] {
  const errors = isJsonObject(body) ? body.errors : undefined;
  return Array.isArray(errors) ? errors.map(String) : [];
}

/**
 * Whether a Vault answer says it does not know the token (revoked, expired, or never valid): since
 * Vault 1.17 (hashicorp/vault#25953) a 403 for such a token says "invalid token" beside "permission
 * denied", and a 403 for a token whose policies refuse the path says only the latter.
 */
export function saysInvalidToken(body: unknown): boolean {
  return vaultErrors(body).some((error) => /invalid token/i.test(error));
}
