import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { isJsonObject, type JsonObject } from "../json";

/**
 * One issuance of AWS credentials, as Vault's audit log records it: the response entry of a write
 * to `<mount>/sts/<role>` (or `<mount>/creds/<role>`) whose `access_key` the engine mount leaves in
 * clear (`audit_non_hmac_response_keys`).
 */
export interface Issuance {
  /** When Vault answered, RFC 3339. */
  readonly time: string;
  readonly accessKeyId: string;
  readonly mount: string;
  readonly vaultRole: string;
  /** @default - the Vault role's only ARN (the request named none), or HMAC'd */
  readonly roleArn?: string;
  /** The TTL the request asked for. @default - the role's default TTL */
  readonly ttl?: string;
  /**
   * The session's ARN as STS returned it (`…:assumed-role/<role>/<session name>`), which the engine
   * logs in clear (`audit_non_hmac_response_keys`).
   * @default - not logged in clear (a mount configured before this version)
   */
  readonly sessionArn?: string;
  /** The token's display name, which Vault sets at login: `<auth mount>-<alias name>` (e.g. jwt-alice). */
  readonly displayName?: string;
  /** The auth mount of the login, as the display name's prefix says it. @default - a token not made by a login */
  readonly entityId?: string;
  readonly policies: readonly string[];
  /** What the auth method recorded about the login (e.g. the JWT role). */
  readonly metadata: Readonly<Record<string, string>>;
  readonly requestId?: string;
  readonly remoteAddress?: string;
}

/** The issuance a parsed audit entry records, or undefined for every other entry. */
export function issuanceOf(entry: unknown): Issuance | undefined {
  if (!isJsonObject(entry) || entry.type !== "response") return undefined;
  const request = fields(entry.request);
  const answered = fields(fields(entry.response).data);
  const accessKeyId = answered.access_key;
  const path = request.path;
  if (typeof accessKeyId !== "string" || accessKeyId.startsWith("hmac-") || typeof path !== "string") return undefined;
  const match = /^(.+)\/(?:sts|creds)\/([^/]+)$/.exec(path);
  if (!match) return undefined;
  const data = fields(request.data);
  const clear = (v: unknown) => (typeof v === "string" && !v.startsWith("hmac-") && v !== "" ? v : undefined);
  const auth = fields(entry.auth);
  return {
    time: String(entry.time),
    accessKeyId,
    mount: match[1],
    vaultRole: match[2],
    roleArn: clear(data.role_arn),
    ttl: clear(data.ttl) ?? (typeof data.ttl === "number" ? `${data.ttl}s` : undefined),
    sessionArn: clear(answered.arn),
    displayName: clear(auth.display_name),
    entityId: clear(auth.entity_id),
    policies: Array.isArray(auth.policies) ? (auth.policies as unknown[]).map(String) : [],
    metadata: Object.fromEntries(Object.entries(fields(auth.metadata)).map(([k, v]) => [k, String(v)])),
    requestId: clear(request.id),
    remoteAddress: clear(request.remote_address),
  };
}

/** A part of an audit entry (its request, its auth, …) whose fields can be read: none when it is missing or not an object. */
function fields(part: unknown): JsonObject {
  return isJsonObject(part) ? part : {};
}

/** What `trace` looks for. */
export type TraceQuery =
  | { readonly kind: "accessKey"; readonly accessKeyId: string }
  | { readonly kind: "session"; readonly name: string; readonly head: string; readonly unixTime: number }
  | { readonly kind: "who"; readonly name: string; readonly since?: number; readonly until?: number };

/** STS session names as the engine's template makes them: `<vault-…head, ≤42>-<unix time>-<random>`. */
const SESSION_NAME = /^(vault-.+)-(\d{9,11})-[A-Za-z0-9]{1,20}$/;
/** AWS access key ids: `AKIA…`/`ASIA…` and the emulator's, 16 to 128 word characters. */
const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;

/** The query a `trace` argument stands for, or an error saying what is allowed. */
export function parseTraceTarget(target: string): TraceQuery {
  if (ACCESS_KEY_ID.test(target)) return { kind: "accessKey", accessKeyId: target };
  const session = SESSION_NAME.exec(target);
  if (session) return { kind: "session", name: target, head: session[1], unixTime: Number(session[2]) };
  throw new Error(
    `${JSON.stringify(target)} is neither an access key id (ASIA…, as CloudTrail's userIdentity.accessKeyId) nor a session name vault-aws makes (vault-<login>-<role>-<unix time>-<random>)`,
  );
}

/** A display name as the session name template writes it (see `SESSION_NAME_TEMPLATE`). */
function sessionHead(issuance: Issuance): string {
  const display = (issuance.displayName ?? "").replace(/[ |:/#]/g, "_");
  return `vault-${display}-${issuance.vaultRole}`.slice(0, 42);
}

/** How far apart Vault's answer and the session name's unix time may be (Vault stamps the name before calling STS). */
const SESSION_CLOCK_SLACK_S = 30;

/** Whether an issuance answers the query. */
export function matches(query: TraceQuery, issuance: Issuance): boolean {
  switch (query.kind) {
    case "accessKey":
      return issuance.accessKeyId === query.accessKeyId;
    case "session":
      // Exact with the session's ARN in the log; else by login, role and second, which two requests
      // of one person for one role within the same seconds share.
      if (issuance.sessionArn !== undefined) return issuance.sessionArn.endsWith(`/${query.name}`);
      return sessionHead(issuance) === query.head && Math.abs(Date.parse(issuance.time) / 1000 - query.unixTime) <= SESSION_CLOCK_SLACK_S;
    case "who": {
      const t = Date.parse(issuance.time);
      const alias = issuance.displayName?.replace(/^[^-]+-/, "");
      const named = issuance.displayName === query.name || alias === query.name || issuance.entityId === query.name;
      return named && (query.since === undefined || t >= query.since) && (query.until === undefined || t <= query.until);
    }
  }
}

/**
 * A cheap test on the raw line before parsing it: a line that cannot answer the query is skipped
 * without `JSON.parse`, which is what makes a gigabyte of log fast to read.
 */
function mayMatch(query: TraceQuery, line: string): boolean {
  if (!line.includes('"access_key"')) return false;
  switch (query.kind) {
    case "accessKey":
      return line.includes(query.accessKeyId);
    case "session":
      return line.includes(query.head.slice("vault-".length, "vault-".length + 8));
    case "who":
      return line.includes(query.name);
  }
}

/** Counts of a read, for the benchmark and for a note when nothing matched. */
export interface TraceStats {
  lines: number;
  parsed: number;
  unreadable: number;
}

/**
 * Streams a Vault audit log (JSON lines) and yields every issuance that answers the query, in log
 * order, holding one line in memory at a time. Lines that are not JSON (a truncated last line, a
 * `prefix` option) are counted, not fatal.
 */
export async function* traceLog(
  input: Readable,
  query: TraceQuery,
  stats: TraceStats = { lines: 0, parsed: 0, unreadable: 0 },
): AsyncGenerator<Issuance> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    stats.lines++;
    if (!mayMatch(query, line)) continue;
    let entry: unknown;
    try {
      entry = JSON.parse(line.slice(line.indexOf("{")));
      stats.parsed++;
    } catch {
      stats.unreadable++;
      continue;
    }
    const issuance = issuanceOf(entry);
    if (issuance && matches(query, issuance)) yield issuance;
  }
}
