import picomatch from "picomatch";

/**
 * The program's one glob matcher (picomatch): `*` any text, `?` one character, anchored at both
 * ends. Case counts unless `ignoreCase`: the config's account selectors (`dev-*` in a target) match account
 * names exactly, as every name in the config does; the `access` filters ignore case, as names
 * typed at a terminal (`--account PROD*`).
 */
export function globMatcher(pattern: string, options: { readonly ignoreCase?: boolean } = {}): (text: string) => boolean {
  return picomatch(pattern, { nocase: options.ignoreCase === true });
}
