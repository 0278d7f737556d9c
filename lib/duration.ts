/**
 * Durations as written in `accounts.yaml`: Go-style `1h`, `15m`, `900s`, `1h30m`.
 * Vault and IAM both take whole seconds, so everything downstream works in seconds.
 */

/** A non-empty duration: hours, minutes and seconds, each optional, in that order. */
export const DURATION_TEXT = /^(?=\d)(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Seconds in a duration string, or `undefined` when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_TEXT.exec(text);
  if (!match) {
    return undefined;
  }
  const [, h = "0", m = "0", s = "0"] = match;
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

/** The shortest duration string for a number of seconds (`3600` → `1h`, `5400` → `1h30m`). */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const text = `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${s ? `${s}s` : ""}`;
  return text === "" ? "0s" : text;
}

/** STS credentials from AssumeRole live at least 15 minutes (DurationSeconds >= 900). */
export const MIN_STS_TTL_SECONDS = 900;
/** IAM caps a role's MaxSessionDuration, and so an AssumeRole session, at 12 hours. */
export const MAX_STS_TTL_SECONDS = 43_200;
/** IAM's floor for a role's MaxSessionDuration. */
export const MIN_ROLE_SESSION_SECONDS = 3600;
/**
 * AWS caps a role-chaining session (AssumeRole called with a role session's credentials) at one
 * hour, whatever the role's MaxSessionDuration (IAM User Guide, "Roles terms and concepts", role chaining).
 */
export const ROLE_CHAINING_MAX_SECONDS = 3600;
