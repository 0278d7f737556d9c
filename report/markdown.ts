import { type AccessDiff, type AccessGrant, describeAccess } from "../lib/access";
import type { PrivilegeLevel } from "../lib/policy/privilege";
import { type AccessReport, accountGroups, grantsByAccount, grantsByRequester, privilegeCounts } from "./access-report";
import { markdownCode, markdownText } from "../lib/output-text";
import { accountText, counted, externalIdText, noGrantsText, policiesText, reportSummary, ttlText } from "./describe";

/**
 * Markdown of access for pull-request comments: the report (`vault-aws access --format markdown`)
 * and the access changes of a plan's `summary.md`, with the same folding for long lists.
 */

/** Lists and tables longer than this fold into a `<details>` block. */
export const FOLD_AFTER = 15;

/**
 * The most a report puts in one comment. GitHub refuses comments over 65,536 characters; the rest
 * of a plan summary needs a little room.
 */
export const MARKDOWN_BUDGET = 60_000;

/** A bullet list, folded into `<details>` past `FOLD_AFTER` items. */
export function foldedList(items: readonly string[], label: string): string {
  const lines = items.map((item) => `- ${item}`);
  if (lines.length <= FOLD_AFTER) return lines.join("\n");
  return `<details><summary>${items.length} ${label}</summary>\n\n${lines.join("\n")}\n\n</details>`;
}

/**
 * A table, folded into `<details>` past `FOLD_AFTER` rows. `rightAligned` holds the indexes of
 * columns of numbers.
 */
export function foldedTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  label: string,
  rightAligned: readonly number[] = [],
): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(" | ")} |`;
  const rule = `| ${header.map((_, i) => (rightAligned.includes(i) ? "---:" : "---")).join(" | ")} |`;
  const table = [line(header), rule, ...rows.map(line)].join("\n");
  return rows.length > FOLD_AFTER ? `<details><summary>${rows.length} ${label}</summary>\n\n${table}\n\n</details>` : table;
}

/** A table cell's text: a `|` would end the cell, a newline the row. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/**
 * The access part of a plan summary: who gains and loses what, in sentences ("developers may now
 * request staging-deployer: arn:…"). `undefined` means the base has no access model.
 */
export function accessChangesMarkdown(diff: AccessDiff | undefined): string[] {
  if (diff === undefined)
    return ["The base has no access model (`access.json`, written by every synth since this release), so the access change is unknown."];
  if (diff.granted.length + diff.revoked.length === 0) return ["No requester gains or loses access."];
  const out: string[] = [];
  if (diff.granted.length > 0)
    out.push(
      `Granted (${diff.granted.length}):\n\n${foldedList(
        diff.granted.map((e) => markdownText(describeAccess(e, "granted"))),
        "grants",
      )}`,
    );
  if (diff.revoked.length > 0)
    out.push(
      `Revoked (${diff.revoked.length}):\n\n${foldedList(
        diff.revoked.map((e) => markdownText(describeAccess(e, "revoked"))),
        "revocations",
      )}`,
    );
  return out;
}

const LEVELS: Readonly<Record<PrivilegeLevel, string>> = { admin: "🔴 **admin**", write: "🟠 write", read: "🟢 read" };

/** How the markdown report is laid out. */
export interface MarkdownOptions {
  readonly by: "requester" | "account";
  /** Whether the report holds admin-level grants only (`--privileged`), for the empty message. */
  readonly privileged: boolean;
}

/** One heading, its words and its table rows; the assembler cuts rows to fit the budget. */
interface Section {
  readonly title: string;
  readonly intro: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** The report as markdown tables for a pull-request comment, within `MARKDOWN_BUDGET` characters. */
export function accessMarkdown(report: AccessReport, options: MarkdownOptions): string {
  const head = [
    "## Who can get into what",
    reportSummary(report),
    `Privilege of each IAM role, from its policies: ${LEVELS.admin} · ${LEVELS.write} · ${LEVELS.read}`,
  ];
  if (report.grants.length === 0) head.push(noGrantsText(options.privileged));
  else head.push(options.by === "requester" ? requesterSummary(report) : groupSummary(report));
  const sections = options.by === "requester" ? requesterSections(report) : accountSections(report);
  return `${fit(head.join("\n\n"), sections)}\n`;
}

/** Grants by level, as three table cells. */
function levelCells(grants: readonly AccessGrant[]): string[] {
  const counts = privilegeCounts(grants);
  return [counts.admin, counts.write, counts.read].map(String);
}

/** One row per requester: how far it reaches, before the details (which a large report cuts). */
function requesterSummary(report: AccessReport): string {
  const rows = grantsByRequester(report).map(({ requester, grants }) => [
    text(requester.name),
    String(new Set(grants.map((g) => g.accountName)).size),
    String(new Set(grants.map((g) => g.vaultRole)).size),
    ...levelCells(grants),
  ]);
  return foldedTable(
    ["requester", "accounts", "Vault roles", "admin grants", "write grants", "read grants"],
    rows,
    "requesters",
    [1, 2, 3, 4, 5],
  );
}

/** One row per account group: who reaches it, before the details. */
function groupSummary(report: AccessReport): string {
  const groupOf = new Map(report.accounts.map((a) => [a.name, a.group]));
  const rows = accountGroups(report.accounts).map(({ group, accounts }) => {
    const grants = report.grants.filter((g) => groupOf.get(g.accountName) === group);
    return [
      text(group),
      String(accounts.length),
      text([...new Set(grants.map((g) => g.requester))].join(", ")) || "nobody",
      ...levelCells(grants),
    ];
  });
  return foldedTable(
    ["account group", "accounts", "requesters", "admin grants", "write grants", "read grants"],
    rows,
    "account groups",
    [1, 3, 4, 5],
  );
}

function requesterSections(report: AccessReport): Section[] {
  return grantsByRequester(report).map(({ requester, grants }) => ({
    title: `### ${text(requester.name)}`,
    intro: `${text(requester.description)} · ${requester.externalGroups.length > 0 ? `bound to ${requester.externalGroups.map(markdownCode).join(", ")}` : "bound to no identity-provider group"}`,
    header: ["Vault role", "account", "IAM role", "privilege", "policies", "TTL", "external ID"],
    rows: grants.map((g) => [
      markdownCode(g.vaultRole),
      text(accountText({ name: g.accountName, id: g.accountId })),
      text(g.roleName),
      LEVELS[g.privilege],
      text(policiesText(g)),
      ttlText(g),
      externalId(g),
    ]),
  }));
}

function accountSections(report: AccessReport): Section[] {
  const grants = new Map(grantsByAccount(report).map((a) => [a.account.name, a.grants]));
  return accountGroups(report.accounts).map(({ group, accounts }) => ({
    title: `### ${text(group)} (${counted(accounts.length, "account")})`,
    intro: "",
    header: ["account", "IAM role", "privilege", "policies", "requester", "Vault role", "TTL", "external ID"],
    rows: accounts.flatMap((a) => {
      const into = grants.get(a.name)!;
      if (into.length === 0) return [[text(accountText(a)), "–", "–", "–", "nobody", "–", "–", "–"]];
      return into.map((g) => [
        text(accountText(a)),
        text(g.roleName),
        LEVELS[g.privilege],
        text(policiesText(g)),
        text(g.requester),
        markdownCode(g.vaultRole),
        ttlText(g),
        externalId(g),
      ]);
    }),
  }));
}

/** Config text in markdown prose or a table cell (`markdownText`); every string of the report that is not the program's own words goes through it. */
const text = markdownText;

function externalId(grant: AccessGrant): string {
  return grant.externalIdRequired ? externalIdText(grant) : "–";
}

/**
 * The head and as many sections as fit in the budget; a table that does not fit whole is cut, and
 * the text says what was left out and where to see it all.
 */
function fit(head: string, sections: readonly Section[]): string {
  const out = [head];
  let used = head.length;
  let leftOut = 0;
  for (const section of sections) {
    const label = "grants";
    const lead = [section.title, section.intro].filter((t) => t !== "").join("\n\n");
    let rows = section.rows;
    let text = `${lead}\n\n${foldedTable(section.header, rows, label)}`;
    while (used + text.length > MARKDOWN_BUDGET - 400 && rows.length > 0) {
      // Cut in proportion to the overshoot, then by one, so a 2,000-row table takes a few tries.
      const over = used + text.length - (MARKDOWN_BUDGET - 400);
      const cut = Math.max(1, Math.ceil((over / text.length) * rows.length));
      rows = rows.slice(0, Math.max(0, rows.length - cut));
      text = `${lead}\n\n${foldedTable(section.header, rows, label)}\n\n_${section.rows.length - rows.length} more rows left out to fit a pull-request comment._`;
    }
    if (rows.length === 0 && section.rows.length > 0) {
      leftOut += 1;
      continue;
    }
    out.push(text);
    used += text.length + 2;
  }
  if (leftOut > 0)
    out.push(
      `_${counted(leftOut, "more section")} left out to fit a pull-request comment: \`vault-aws access --format html\` shows everything, \`--requester\`, \`--account\` and \`--tag\` narrow this report._`,
    );
  return out.join("\n\n");
}
