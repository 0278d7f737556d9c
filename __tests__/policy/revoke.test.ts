import { runSimulation } from "@cloud-copilot/iam-simulate";
import { revokeOlderSessionsPolicy } from "../../lib/policy/revoke";
import { resources, synth } from "../helpers";
import { readFileSync } from "node:fs";
import { parse } from "yaml";

const ISSUED_BEFORE = "2026-11-26T14:00:00Z";
const allowVpcs = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:DescribeVpcs", Resource: "*" }] };

/** What AWS decides for a session of the role issued at `issuedAt`, by an IAM policy evaluator. */
async function decision(issuedAt: string): Promise<string> {
  const response = await runSimulation(
    {
      identityPolicies: [
        { name: "permissions", policy: allowVpcs },
        { name: "AWSRevokeOlderSessions", policy: revokeOlderSessionsPolicy(ISSUED_BEFORE) as any },
      ],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        action: "ec2:DescribeVpcs",
        principal: "arn:aws:sts::222222222222:assumed-role/ec2-admin/vault-token-abc",
        resource: { accountId: "222222222222", resource: "*" },
        contextVariables: { "aws:TokenIssueTime": issuedAt },
      },
    },
    {},
  );
  if (response.resultType === "error") throw new Error(JSON.stringify(response.errors));
  return response.overallResult;
}

describe("the kill switch, evaluated as AWS evaluates it", () => {
  test("a session issued before the time is denied", async () => {
    expect(await decision("2026-11-26T13:59:59Z")).toBe("ExplicitlyDenied");
    expect(await decision("2026-11-20T08:00:00Z")).toBe("ExplicitlyDenied");
  });
  test("a session issued after it is allowed what the role allows", async () => {
    expect(await decision("2026-11-26T14:00:01Z")).toBe("Allowed");
  });
});

const example = () => parse(readFileSync(`${__dirname}/../../accounts.yaml`, "utf8"));
const withRevoke = (at: string) => {
  const config = example();
  config.accounts.find((a: any) => a.name === "dev").roles.find((r: any) => r.name === "ec2-admin").revokeSessionsIssuedBefore = at;
  return config;
};

/** Every resource of every stack as "stack type.id" → its JSON. */
function flat(stacks: Record<string, any>): Map<string, string> {
  const all = new Map<string, string>();
  for (const [stack, json] of Object.entries(stacks)) {
    for (const [type, byId] of Object.entries<any>(json.resource ?? {})) {
      for (const [id, attributes] of Object.entries<any>(byId)) {
        const { "//": _metadata, ...rest } = attributes;
        all.set(`${stack} ${type}.${id}`, JSON.stringify(rest));
      }
    }
  }
  return all;
}

describe("a revoke touches only that role's AWSRevokeOlderSessions policy", () => {
  const before = flat(synth(example()).stacks);
  const first = synth(withRevoke("2026-11-26T13:00:00Z")).stacks;

  test("the first revoke adds that one inline policy and changes nothing else", () => {
    const after = flat(first);
    const added = [...after.keys()].filter((k) => !before.has(k));
    expect(added).toEqual([expect.stringMatching(/^aws-dev aws_iam_role_policy\.role-ec2-admin_revoke-older-sessions_/)]);
    for (const [key, json] of before) expect(after.get(key)).toBe(json);
    const [policy] = Object.values<any>(resources(first["aws-dev"], "aws_iam_role_policy"));
    expect(policy.name).toBe("AWSRevokeOlderSessions");
    expect(JSON.parse(policy.policy)).toEqual(revokeOlderSessionsPolicy("2026-11-26T13:00:00Z"));
  });

  test("a later revoke changes only that policy's text, in place", () => {
    const once = flat(first);
    const twice = flat(synth(withRevoke("2026-11-26T15:30:00Z")).stacks);
    expect([...twice.keys()].sort()).toEqual([...once.keys()].sort());
    const changed = [...once.keys()].filter((k) => once.get(k) !== twice.get(k));
    expect(changed).toHaveLength(1);
    const [a, b] = [JSON.parse(once.get(changed[0])!), JSON.parse(twice.get(changed[0])!)];
    expect(Object.keys(a).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))).toEqual(["policy"]);
  });
});
