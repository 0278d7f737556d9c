import {
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { orgAccountOf, readOrganization } from "../../pipeline/organization";

describe("orgAccountOf", () => {
  test("State, where AWS gives it, wins over the older Status", () => {
    expect(orgAccountOf({ Id: "111111111111", Name: "a", State: "PENDING_CLOSURE", Status: "ACTIVE" })).toEqual({
      id: "111111111111",
      name: "a",
      state: "PENDING_CLOSURE",
    });
  });
  test("Status where there is no State", () => {
    expect(orgAccountOf({ Id: "111111111111", Name: "a", Status: "SUSPENDED" })).toEqual({
      id: "111111111111",
      name: "a",
      state: "SUSPENDED",
    });
  });
  test("neither: UNKNOWN, which is not imported", () => {
    expect(orgAccountOf({ Id: "111111111111", Name: "a" })).toEqual({ id: "111111111111", name: "a", state: "UNKNOWN" });
  });
});

/**
 * An organization as the API answers: root r-root with OU ou-a (child ou-a-kid) and OU ou-b; each
 * parent holds one account, and every list comes one item per page, so the paginators must follow.
 */
class FakeOrganizations extends OrganizationsClient {
  readonly calls: string[] = [];
  private readonly accountsIn: Record<string, string[]> = {
    "r-root": ["100000000000"],
    "ou-root-aaaaaaaa": ["200000000000"],
    "ou-root-kidkidki": ["300000000000", "310000000000"],
    "ou-root-bbbbbbbb": ["400000000000"],
  };
  private readonly ousIn: Record<string, string[]> = {
    "r-root": ["ou-root-aaaaaaaa", "ou-root-bbbbbbbb"],
    "ou-root-aaaaaaaa": ["ou-root-kidkidki"],
  };

  constructor() {
    super({ region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  }

  override async send(command: any): Promise<any> {
    const page = <T>(items: T[], token?: string) => {
      const i = token ? Number(token) : 0;
      return { items: items.slice(i, i + 1), next: i + 1 < items.length ? String(i + 1) : undefined };
    };
    const input = command.input;
    if (command instanceof DescribeOrganizationCommand) return { Organization: { Id: "o-a1b2c3d4e5" } };
    if (command instanceof ListAccountsCommand) {
      const all = Object.values(this.accountsIn).flat();
      const { items, next } = page(all, input.NextToken);
      return { Accounts: items.map((Id) => ({ Id, Name: `n${Id}`, State: "ACTIVE" })), NextToken: next };
    }
    this.calls.push(`${command.constructor.name} ${input.ParentId}`);
    if (!(input.ParentId in this.accountsIn))
      throw Object.assign(new Error("You specified parent that doesn't exist."), { name: "ParentNotFoundException" });
    if (command instanceof ListAccountsForParentCommand) {
      const { items, next } = page(this.accountsIn[input.ParentId], input.NextToken);
      return { Accounts: items.map((Id) => ({ Id })), NextToken: next };
    }
    if (command instanceof ListOrganizationalUnitsForParentCommand) {
      const { items, next } = page(this.ousIn[input.ParentId] ?? [], input.NextToken);
      return { OrganizationalUnits: items.map((Id) => ({ Id })), NextToken: next };
    }
    throw new Error(`unexpected ${command.constructor.name}`);
  }
}

describe("readOrganization", () => {
  test("lists every account, page by page, all in scope without --ou", async () => {
    const org = await readOrganization(new FakeOrganizations(), []);
    expect(org.organizationId).toBe("o-a1b2c3d4e5");
    expect(org.accounts.map((a) => a.id)).toEqual(["100000000000", "200000000000", "300000000000", "310000000000", "400000000000"]);
    expect([...org.inScope]).toEqual(org.accounts.map((a) => a.id));
  });

  test("--ou takes the accounts under the OU and every OU below it, and no others", async () => {
    const client = new FakeOrganizations();
    const org = await readOrganization(client, ["ou-root-aaaaaaaa"]);
    expect([...org.inScope].sort()).toEqual(["200000000000", "300000000000", "310000000000"]);
    expect(org.accounts).toHaveLength(5);
    expect(client.calls).toEqual([
      "ListAccountsForParentCommand ou-root-aaaaaaaa",
      "ListOrganizationalUnitsForParentCommand ou-root-aaaaaaaa",
      "ListAccountsForParentCommand ou-root-kidkidki",
      "ListAccountsForParentCommand ou-root-kidkidki",
      "ListOrganizationalUnitsForParentCommand ou-root-kidkidki",
    ]);
  });

  test("an OU given twice, or inside another given, is walked once", async () => {
    const client = new FakeOrganizations();
    const org = await readOrganization(client, ["ou-root-aaaaaaaa", "ou-root-kidkidki", "ou-root-aaaaaaaa"]);
    expect([...org.inScope].sort()).toEqual(["200000000000", "300000000000", "310000000000"]);
    expect(client.calls.filter((c) => c.endsWith("ou-root-kidkidki") && c.startsWith("ListOrganizational"))).toHaveLength(1);
  });

  test("an OU the organization does not have is named", async () => {
    await expect(readOrganization(new FakeOrganizations(), ["ou-root-zzzzzzzz"])).rejects.toThrow(
      new Error("--ou ou-root-zzzzzzzz: organization o-a1b2c3d4e5 has no OU or root with this id"),
    );
  });

  test("an AWS error names the call that failed and what usually causes it", async () => {
    const client = new FakeOrganizations();
    client.send = async () => {
      throw Object.assign(new Error("Your account is not a member of an organization."), { name: "AWSOrganizationsNotInUseException" });
    };
    await expect(readOrganization(client, [])).rejects.toThrow(
      new Error(
        "organizations:DescribeOrganization: Your account is not a member of an organization. (the credentials' account is not in an organization; check AWS_PROFILE)",
      ),
    );
  });
});
