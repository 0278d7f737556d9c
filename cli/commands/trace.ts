import { accessSync, constants, createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { type Issuance, parseTraceTarget, type TraceQuery, traceLog, type TraceStats } from "../../lib/audit/trace";
import { terminalText } from "../../lib/output-text";
import type { CommandHandler } from "../context";

/** `vault-aws trace`. */
export interface TraceOptions {
  /** An access key id or a session name. @default - `who` */
  readonly target?: string;
  /** A person: the token's display name (jwt-alice), the alias name (alice) or the entity id. */
  readonly who?: string;
  /** RFC 3339; with `who` only. @default - from the log's start */
  readonly since?: string;
  /** RFC 3339; with `who` only. @default - to the log's end */
  readonly until?: string;
  /** The audit log, or `-` for stdin. */
  readonly log: string;
  readonly json?: boolean;
}

/**
 * Answers from a Vault audit log (JSON lines) who requested AWS credentials, or which sessions a
 * person was issued. It streams: one line in memory at a time.
 *
 * Identity: whoever runs it, with read access to the log file; it calls nothing and writes only to
 * stdout. Every value it prints comes from the log and goes through the terminal escape, or through
 * JSON.stringify with --json: a hostile log line cannot drive the terminal.
 */
export const traceCommand: CommandHandler<TraceOptions & { input?: Readable }> = async (options, ctx) => {
  let query: TraceQuery;
  try {
    query = toQuery(options);
  } catch (error) {
    ctx.note(`vault-aws: ${terminalText((error as Error).message)}`);
    return 1;
  }
  if (options.input === undefined && options.log !== "-") {
    try {
      accessSync(options.log, constants.R_OK);
    } catch (error) {
      ctx.note(`vault-aws: cannot read the audit log ${terminalText(options.log)}: ${terminalText((error as Error).message)}`);
      return 1;
    }
  }
  const input: Readable =
    options.input ?? (options.log === "-" ? process.stdin : createReadStream(options.log, { highWaterMark: 1 << 20 }));
  const stats: TraceStats = { lines: 0, parsed: 0, unreadable: 0 };
  let found = 0;
  for await (const issuance of traceLog(input, query, stats)) {
    found++;
    ctx.log(options.json ? JSON.stringify(issuance) : describe(issuance));
  }
  if (found === 0) {
    ctx.note(
      `vault-aws: no issuance in ${stats.lines} lines of ${terminalText(options.log === "-" ? "stdin" : options.log)} answers that; ` +
        "a session issued before the audit device existed, before the engine logged access_key in clear, or in a rotated log cannot be traced",
    );
    return 1;
  }
  return 0;
};

function toQuery(options: TraceOptions): TraceQuery {
  if ((options.target === undefined) === (options.who === undefined))
    throw new Error("give an access key id or session name, or --who NAME, one of the two");
  if (options.target !== undefined) {
    if (options.since !== undefined || options.until !== undefined) throw new Error("--since and --until go with --who");
    return parseTraceTarget(options.target);
  }
  const time = (flag: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    const t = Date.parse(value);
    if (!/^\d{4}-\d\d-\d\d/.test(value) || Number.isNaN(t))
      throw new Error(`${flag} ${JSON.stringify(value)} is not a time: use RFC 3339, e.g. 2026-12-07T09:00:00Z`);
    return t;
  };
  return { kind: "who", name: options.who!, since: time("--since", options.since), until: time("--until", options.until) };
}

/** One issuance as a line of text, every value through the terminal escape. */
export function describe(i: Issuance): string {
  const who = i.displayName ?? "(no display name)";
  const parts = [
    i.time,
    `${who}${i.entityId ? ` (entity ${i.entityId})` : ""}`,
    `got ${i.accessKeyId}`,
    `from ${i.mount}/sts/${i.vaultRole}`,
    ...(i.roleArn ? [`as ${i.roleArn}`] : []),
    ...(i.ttl ? [`ttl ${i.ttl}`] : []),
    ...(Object.keys(i.metadata).length
      ? [
          `login ${Object.entries(i.metadata)
            .map(([k, v]) => `${k}=${v}`)
            .join(",")}`,
        ]
      : []),
    ...(i.policies.length ? [`policies ${i.policies.join(",")}`] : []),
  ];
  return terminalText(parts.join("  "));
}
