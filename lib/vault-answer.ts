/** The `errors` list of a Vault answer's body, as strings; none when the body has none. */
export function vaultErrors(body: unknown): string[] {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  return Array.isArray(errors) ? errors.map(String) : [];
}
