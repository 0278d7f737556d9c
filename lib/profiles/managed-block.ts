/** The first line of the block `vault-aws profiles` manages in an AWS config file. */
export const BLOCK_BEGIN = "# >>> vault-aws profiles: generated, rewritten by `vault-aws profiles`; edits here are lost >>>";
/** The last line of the block. */
export const BLOCK_END = "# <<< vault-aws profiles <<<";

/** One generated profile: a section of the AWS config file. */
export interface AwsProfile {
  readonly name: string;
  readonly region: string;
  /** The command line, already quoted for the POSIX splitting the AWS CLI and SDKs do. */
  readonly credentialProcess: string;
}

/** The managed block's text, markers included, each profile a section (empty between the markers when there are none). */
export function managedBlock(profiles: readonly AwsProfile[]): string {
  const sections = profiles.map((p) => `[profile ${p.name}]\nregion = ${p.region}\ncredential_process = ${p.credentialProcess}\n`);
  return `${BLOCK_BEGIN}\n${sections.join("\n")}${BLOCK_END}\n`;
}

/** Names of the `[profile x]` (and `[default]`) sections of a config text. */
export function sectionNames(text: string): string[] {
  return [...text.matchAll(/^\s*\[\s*(?:profile\s+)?([^\]]+?)\s*\]\s*$/gm)].map((m) => m[1]);
}

/**
 * The config file's text with its managed block replaced by `block`, or `block` appended when it has
 * none. Everything outside the markers stays byte for byte. Throws, naming the file, when the markers
 * are not one begin followed by one end, or when a profile of the block is also defined outside it.
 */
export function withManagedBlock(text: string, block: string, file: string, profileNames: readonly string[]): string {
  const lines = text.split("\n");
  const begins = lines.flatMap((l, i) => (l.replace(/\r$/, "") === BLOCK_BEGIN ? [i] : []));
  const ends = lines.flatMap((l, i) => (l.replace(/\r$/, "") === BLOCK_END ? [i] : []));
  let before: string;
  let after: string;
  if (begins.length === 0 && ends.length === 0) {
    before = text === "" || text.endsWith("\n") ? text : `${text}\n`;
    if (before !== "") before += "\n";
    after = "";
  } else if (begins.length === 1 && ends.length === 1 && begins[0] < ends[0]) {
    before = lines
      .slice(0, begins[0])
      .map((l) => `${l}\n`)
      .join("");
    after = lines.slice(ends[0] + 1).join("\n");
  } else {
    throw new Error(
      `${file}: the vault-aws block's marker lines are damaged (${begins.length} begin, ${ends.length} end lines): fix or remove them by hand, then run again`,
    );
  }
  const outside = new Set(sectionNames(before + after));
  const clash = profileNames.filter((n) => outside.has(n));
  if (clash.length > 0) {
    throw new Error(
      `${file}: ${clash.join(", ")} ${clash.length === 1 ? "is" : "are"} already defined outside the vault-aws block: rename ${clash.length === 1 ? "it" : "them"} there, or choose other names with --name`,
    );
  }
  return before + block + after;
}
