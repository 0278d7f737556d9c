import { closest, distance } from "fastest-levenshtein";

/** A filter of `vault-aws access` that cannot be applied; the message names the flag, the value and what exists. */
export class AccessFilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AccessFilterError";
  }
}

/** How many known names a message lists before it says how many more there are. */
const LISTED = 12;

/** The error messages of the access report, one factory each (their exact text is tested). */
export const accessErrors = {
  /** A `--requester`, `--account` or `--tag` value that matches nothing. */
  noMatch(flag: string, value: string, what: string, known: readonly string[], matchedOn = what): AccessFilterError {
    if (known.length === 0) return new AccessFilterError(`${flag} ${value} matches no ${what}: there is no ${what} in the config`);
    const guess = /[*?]/.test(value) ? undefined : didYouMean(value, known);
    const hint = guess === undefined ? "" : ` (did you mean ${guess}?)`;
    const listed = known.length > LISTED ? `${known.slice(0, LISTED).join(", ")} and ${known.length - LISTED} more` : known.join(", ");
    return new AccessFilterError(`${flag} ${value} matches no ${matchedOn}${hint}; the ${what}s are: ${listed}`);
  },
};

/** The known name a typo most likely meant: one it starts (or that starts it), else a close spelling; none when nothing is close. */
function didYouMean(value: string, known: readonly string[]): string | undefined {
  const lower = value.toLowerCase();
  const prefixed = known.find((k) => k.startsWith(lower) || lower.startsWith(k)) ?? known.find((k) => k.startsWith(lower.slice(0, 3)));
  if (prefixed) return prefixed;
  const near = closest(lower, [...known]);
  return distance(lower, near) <= Math.max(2, Math.floor(lower.length / 3)) ? near : undefined;
}
