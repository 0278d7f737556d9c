import { accessJson } from "../../report/json";
import { exampleReport } from "./helpers";

describe("accessJson", () => {
  const json = accessJson(exampleReport(), { requesters: ["sre"] });

  test("has the documented shape", () => {
    expect(Object.keys(json)).toEqual(["version", "filter", "summary", "requesters", "accounts", "grants"]);
    expect(json.version).toBe(1);
    expect(json.filter).toEqual({ requesters: ["sre"] });
    expect(json.summary).toEqual({ requesters: 3, accounts: 4, grants: 12, byPrivilege: { read: 7, write: 5, admin: 0 } });
  });

  test("each grant carries what the terminal shows", () => {
    expect(Object.keys(json.grants[0])).toEqual([
      "requester",
      "vaultRole",
      "roleArn",
      "accountName",
      "accountId",
      "roleName",
      "stsPath",
      "defaultTtlSeconds",
      "maxTtlSeconds",
      "externalGroups",
      "accountTags",
      "managedPolicyArns",
      "hasInlinePolicy",
      "externalIdRequired",
      "privilege",
      "privilegeReasons",
      "vaultCommand",
    ]);
  });
});
