import {
  type Account,
  DescribeOrganizationCommand,
  OrganizationsClient,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
} from "@aws-sdk/client-organizations";
import type { OrganizationView, OrgAccount } from "./import-plan";

/**
 * An Organizations client configured as every AWS tool is: credentials, region and endpoint from
 * the SDK's standard chain (`AWS_PROFILE`, `AWS_REGION`, `AWS_ENDPOINT_URL`, ...).
 */
export function organizationsClient(): OrganizationsClient {
  return new OrganizationsClient({});
}

/** The account's state: `State`, which AWS is moving to, else the `Status` it replaces. */
export function orgAccountOf(account: Account): OrgAccount {
  return { id: account.Id ?? "", name: account.Name ?? "", state: account.State ?? account.Status ?? "UNKNOWN" };
}

/**
 * The organization's id, all its accounts (to tell which config accounts have left it), and the
 * accounts under `parents` (OU or root ids, with every OU below them), or all of them when none is
 * given. Needs the management account or a delegated administrator (`ListAccounts`).
 */
export async function readOrganization(
  client: OrganizationsClient,
  parents: readonly string[],
  note: (line: string) => void = () => undefined,
): Promise<OrganizationView> {
  const described = await call("DescribeOrganization", () => client.send(new DescribeOrganizationCommand({})));
  const organizationId = described.Organization?.Id ?? "";
  const accounts: OrgAccount[] = [];
  await call("ListAccounts", async () => {
    for await (const page of paginateListAccounts({ client }, {})) accounts.push(...(page.Accounts ?? []).map(orgAccountOf));
  });
  note(`organization ${organizationId}: ${accounts.length} accounts`);
  if (parents.length === 0) return { organizationId, accounts, inScope: new Set(accounts.map((a) => a.id)) };
  return { organizationId, accounts, inScope: await accountsUnder(client, parents, organizationId) };
}

/** The ids of the accounts directly in `parents` or in any OU below them. */
async function accountsUnder(client: OrganizationsClient, parents: readonly string[], organizationId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  const seen = new Set<string>();
  // Each OU is walked from the parent it was found under, for the message if it is not there.
  const queue = parents.map((id) => ({ id, asked: id }));
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const { id, asked } = next;
    if (seen.has(id)) continue;
    seen.add(id);
    try {
      for await (const page of paginateListAccountsForParent({ client }, { ParentId: id }))
        for (const account of page.Accounts ?? []) ids.add(account.Id ?? "");
      for await (const page of paginateListOrganizationalUnitsForParent({ client }, { ParentId: id }))
        for (const ou of page.OrganizationalUnits ?? []) queue.push({ id: ou.Id ?? "", asked });
    } catch (error) {
      if ((error as Error).name === "ParentNotFoundException" && id === asked)
        throw new Error(`--ou ${id}: organization ${organizationId} has no OU or root with this id`);
      throw new Error(`listing the accounts under ${id}${id === asked ? "" : ` (below --ou ${asked})`}: ${describe(error)}`);
    }
  }
  return ids;
}

/** Runs one Organizations call, and names it in an error. */
async function call<T>(action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new Error(`organizations:${action}: ${describe(error)}`);
  }
}

/** An SDK error in words, with a hint for the usual ones. */
function describe(error: unknown): string {
  const { name, message } = error as Error;
  if (name === "AWSOrganizationsNotInUseException")
    return `${message} (the credentials' account is not in an organization; check AWS_PROFILE)`;
  if (name === "AccessDeniedException")
    return `${message} (listing accounts needs the organization's management account or a delegated administrator)`;
  return name && name !== "Error" && !message.startsWith(name) ? `${name}: ${message}` : message;
}
