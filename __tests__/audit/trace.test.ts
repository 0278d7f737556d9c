import { Readable } from "node:stream";
import { issuanceOf, parseTraceTarget, type TraceQuery, traceLog, type TraceStats } from "../../lib/audit/trace";
import { describe as describeIssuance, traceCommand } from "../../cli/commands/trace";

/** A response entry of Vault's file audit device for one STS issuance, as Vault writes it (HMAC'd fields shortened). */
function response(o: { time: string; key: string; role?: string; display?: string; entity?: string; ttl?: string; roleArn?: string }) {
  return {
    time: o.time,
    type: "response",
    auth: {
      client_token: "hmac-sha256:aa",
      accessor: "hmac-sha256:bb",
      display_name: o.display ?? "jwt-alice",
      policies: ["default"],
      metadata: { role: "engineer" },
      entity_id: o.entity ?? "ent-alice",
      token_type: "service",
    },
    request: {
      id: "req-1",
      operation: "update",
      mount_type: "aws",
      path: `aws/sts/${o.role ?? "dev-ec2-admin"}`,
      data: { ttl: o.ttl ?? "15m", ...(o.roleArn && { role_arn: o.roleArn }) },
      remote_address: "127.0.0.1",
    },
    response: {
      mount_type: "aws",
      data: { access_key: o.key, secret_key: "hmac-sha256:cc", security_token: "hmac-sha256:dd" },
      secret: { lease_id: "aws/sts/dev-ec2-admin/x" },
    },
  };
}
const request = (r: ReturnType<typeof response>) => ({ ...r, type: "request", response: undefined });

const log = [
  response({ time: "2026-12-07T09:00:00.1Z", key: "ASIAALICE0000000001" }),
  response({ time: "2026-12-07T09:05:00.1Z", key: "ASIABOB00000000001", display: "jwt-bob", entity: "ent-bob" }),
  response({
    time: "2026-12-07T10:00:00.1Z",
    key: "ASIAALICE0000000002",
    role: "readonly-nonprod",
    roleArn: "arn:aws:iam::333333333333:role/readonly",
  }),
];
const lines = () => [JSON.stringify(request(log[0])), ...log.map((e) => JSON.stringify(e)), "{truncated", ""].join("\n");
const collect = async (query: TraceQuery, stats?: TraceStats) => {
  const found = [];
  for await (const i of traceLog(Readable.from([lines()]), query, stats)) found.push(i);
  return found;
};

describe("reading an issuance from an audit entry", () => {
  test("the response of an STS write: key, role, ARN and TTL asked for, and the login", () => {
    expect(issuanceOf(log[2])).toEqual({
      time: "2026-12-07T10:00:00.1Z",
      accessKeyId: "ASIAALICE0000000002",
      mount: "aws",
      vaultRole: "readonly-nonprod",
      roleArn: "arn:aws:iam::333333333333:role/readonly",
      ttl: "15m",
      displayName: "jwt-alice",
      entityId: "ent-alice",
      policies: ["default"],
      metadata: { role: "engineer" },
      requestId: "req-1",
      remoteAddress: "127.0.0.1",
    });
  });
  test("a request entry, another path, or an access key still HMAC'd (the mount not configured) is no issuance", () => {
    expect(issuanceOf(request(log[0]))).toBeUndefined();
    expect(issuanceOf({ ...log[0], request: { ...log[0].request, path: "secret/data/x" } })).toBeUndefined();
    expect(issuanceOf({ ...log[0], response: { data: { access_key: "hmac-sha256:ff" } } })).toBeUndefined();
  });
});

describe("trace queries", () => {
  test("by access key id: the one issuance, and unreadable lines counted, not fatal", async () => {
    const stats: TraceStats = { lines: 0, parsed: 0, unreadable: 0 };
    expect((await collect(parseTraceTarget("ASIABOB00000000001"), stats)).map((i) => i.displayName)).toEqual(["jwt-bob"]);
    expect(stats.lines).toBe(5);
  });
  test("by session name: the login, role and second the name carries", async () => {
    const unix = Date.parse("2026-12-07T09:00:00Z") / 1000;
    expect((await collect(parseTraceTarget(`vault-jwt-alice-dev-ec2-admin-${unix}-a1B2c3D4e5`))).map((i) => i.accessKeyId)).toEqual([
      "ASIAALICE0000000001",
    ]);
    expect(await collect(parseTraceTarget(`vault-jwt-alice-dev-ec2-admin-${unix + 3600}-a1B2c3D4e5`))).toEqual([]);
    expect(await collect(parseTraceTarget(`vault-jwt-bob-dev-ec2-admin-${unix}-a1B2c3D4e5`))).toEqual([]);
  });
  test("by session name, exact when the log holds the session's ARN: two sessions of one second told apart", async () => {
    const unix = Date.parse("2026-12-07T09:00:00Z") / 1000;
    const twin = (key: string, random: string) => {
      const e = response({ time: "2026-12-07T09:00:00.5Z", key });
      return JSON.stringify({
        ...e,
        response: {
          ...e.response,
          data: {
            ...e.response.data,
            arn: `arn:aws:sts::222222222222:assumed-role/ec2-admin/vault-jwt-alice-dev-ec2-admin-${unix}-${random}`,
          },
        },
      });
    };
    const text = [twin("ASIATWIN00000000001", "aaaaaaaaaa"), twin("ASIATWIN00000000002", "bbbbbbbbbb")].join("\n");
    const found = [];
    for await (const i of traceLog(Readable.from([text]), parseTraceTarget(`vault-jwt-alice-dev-ec2-admin-${unix}-bbbbbbbbbb`)))
      found.push(i.accessKeyId);
    expect(found).toEqual(["ASIATWIN00000000002"]);
  });
  test("--who by alias name, display name or entity id, within a time range", async () => {
    expect((await collect({ kind: "who", name: "alice" })).map((i) => i.accessKeyId)).toEqual([
      "ASIAALICE0000000001",
      "ASIAALICE0000000002",
    ]);
    expect(
      (await collect({ kind: "who", name: "jwt-alice", since: Date.parse("2026-12-07T09:30:00Z") })).map((i) => i.accessKeyId),
    ).toEqual(["ASIAALICE0000000002"]);
    expect((await collect({ kind: "who", name: "ent-bob", until: Date.parse("2026-12-07T09:00:00Z") })).length).toBe(0);
  });
  test("an argument that is neither a key nor a session name says what is allowed", () => {
    expect(() => parseTraceTarget("alice")).toThrow(
      '"alice" is neither an access key id (ASIA…, as CloudTrail\'s userIdentity.accessKeyId) nor a session name vault-aws makes',
    );
  });
});

describe("the trace command", () => {
  const run = async (options: Record<string, unknown>, text = lines()) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await traceCommand({ log: "audit.log", ...options, input: Readable.from([text]) } as any, {
      env: {},
      log: (l) => out.push(l),
      write: (t) => out.push(t),
      note: (l) => err.push(l),
    });
    return { code, out, err };
  };
  test("prints one line per issuance; a hostile display name cannot drive the terminal", async () => {
    const hostile = JSON.stringify(
      response({ time: "2026-12-07T09:00:00Z", key: "ASIAEVIL00000000001", display: "jwt-\u001b]0;pwned\u0007eve" }),
    );
    const { code, out } = await run({ target: "ASIAEVIL00000000001" }, hostile);
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    expect(out[0]).toContain("jwt-\\x1b]0;pwned\\x07eve");
    // eslint-disable-next-line no-control-regex -- no control character may reach the terminal
    expect(out[0]).not.toMatch(/[\u0000-\u001f]/);
  });
  test("a miss exits 1 and says what cannot be traced", async () => {
    const { code, err } = await run({ target: "ASIANOTHERE00000001" });
    expect(code).toBe(1);
    expect(err).toEqual([
      "vault-aws: no issuance in 5 lines of audit.log answers that; a session issued before the audit device existed, before the engine logged access_key in clear, or in a rotated log cannot be traced",
    ]);
  });
  test("both a target and --who, or neither, or --since with a target, or a time that is not RFC 3339, are refused", async () => {
    expect((await run({ target: "ASIABOB00000000001", who: "bob" })).err).toEqual([
      "vault-aws: give an access key id or session name, or --who NAME, one of the two",
    ]);
    expect((await run({})).code).toBe(1);
    expect((await run({ target: "ASIABOB00000000001", since: "2026-12-07T00:00:00Z" })).err).toEqual([
      "vault-aws: --since and --until go with --who",
    ]);
    expect((await run({ who: "bob", since: "yesterday" })).err).toEqual([
      'vault-aws: --since "yesterday" is not a time: use RFC 3339, e.g. 2026-12-07T09:00:00Z',
    ]);
  });
  test("the text line names the login, the key, the role, the ARN and the TTL", () => {
    expect(describeIssuance(issuanceOf(log[2])!)).toBe(
      "2026-12-07T10:00:00.1Z  jwt-alice (entity ent-alice)  got ASIAALICE0000000002  from aws/sts/readonly-nonprod  as arn:aws:iam::333333333333:role/readonly  ttl 15m  login role=engineer  policies default",
    );
  });
});
