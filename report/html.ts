import { createHash } from "node:crypto";
import { PRIVILEGE_LEVELS, type PrivilegeLevel } from "../lib/policy/privilege";
import { type AccessReport, accountGroups, privilegeCounts, type ReportAccount } from "./access-report";
import { counted, reportSummary } from "./describe";
import type { AccessFilter } from "./filter";
import { detailGraph, overviewGraph } from "./flow-graph";
import { layoutFlow } from "./flow-layout";
import { accessReportClient } from "./html-client";
import { clientData, scriptJson } from "./html-data";
import { ACCESS_REPORT_CSS } from "./html-style";
import { arrowMarkers, escapeXml, flowSvg } from "./svg";

/** What the page says about where it came from. */
export interface HtmlOptions {
  /** The accounts file the report was built from. */
  readonly source: string;
  /** The filters of the command line, shown in the header. */
  readonly filter: AccessFilter;
}

/** Up to this many boxes, the diagram is drawn whole; above, it starts collapsed to account groups. */
export const FULL_DIAGRAM_LIMIT = 80;

/** Above this many accounts, the matrix's groups start collapsed (the filter opens those it matches). */
export const MATRIX_OPEN_LIMIT = 200;

/**
 * One self-contained HTML page: the requesters × accounts matrix, the flow diagram as inline SVG
 * (laid out here, at generation time), and a script for the filter box, the privilege toggle and
 * expanding groups. It loads nothing: no script, style sheet, font or image comes from elsewhere,
 * and its Content-Security-Policy (`default-src 'none'`, the inline script and style allowed by
 * hash) makes the browser refuse any request, so it can be attached to an audit ticket.
 */
export function accessHtml(report: AccessReport, options: HtmlOptions): string {
  const script = `(${accessReportClient.toString()})();`;
  const csp = `default-src 'none'; script-src '${sha256(script)}'; style-src '${sha256(ACCESS_REPORT_CSS)}'`;
  const counts = privilegeCounts(report.grants);
  const filters = filterText(options.filter);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Who can get into what: ${escapeXml(options.source)}</title>
<style>${ACCESS_REPORT_CSS}</style>
</head>
<body>
<header>
<h1>Who can get into what</h1>
<p class="meta">${escapeXml(options.source)}${filters ? ` · ${escapeXml(filters)}` : ""} · ${escapeXml(reportSummary(report))}</p>
<p class="legend">Privilege of each IAM role, from its policies: ${PRIVILEGE_LEVELS.slice()
    .reverse()
    .map((l) => `<span class="lvl p-${l}">${l}</span> ${counts[l]}`)
    .join(
      " · ",
    )}. admin: AdministratorAccess, IAMFullAccess, or an inline <code>*</code> or <code>iam:*</code> on <code>*</code>; read: ReadOnlyAccess, ViewOnlyAccess, SecurityAudit, other <code>…ReadOnly…</code> policies, or inline Get/List/Describe only; write: the rest. Click a role for its policies, TTL and <code>vault write</code> command.</p>
</header>
<div class="controls">
<input id="filter" type="search" placeholder="Filter: account, id, tag, requester, role… (words must all match)" aria-label="Filter" autocomplete="off">
<label><input id="privileged" type="checkbox"> admin-level only</label>
<span id="status"></span>
</div>
<section id="matrix">
<h2>Requesters × accounts</h2>
${matrix(report)}
<p id="none" hidden></p>
</section>
<section id="flow">
<h2>Requester → Vault role → account / IAM role</h2>
${diagram(report)}
</section>
<aside id="detail" hidden></aside>
${arrowMarkers(PRIVILEGE_LEVELS)}
<script id="report-data" type="application/json">${scriptJson(clientData(report))}</script>
<script>${script}</script>
</body>
</html>
`;
}

/** The CSP source of an inline element's text. */
function sha256(text: string): string {
  return `sha256-${createHash("sha256").update(text, "utf8").digest("base64")}`;
}

function filterText(filter: AccessFilter): string {
  const parts = [
    ...(filter.requesters ?? []).map((r) => `--requester ${r}`),
    ...(filter.accounts ?? []).map((a) => `--account ${a}`),
    ...(filter.tags ?? []).map((t) => `--tag ${t}`),
    ...(filter.privileged ? ["--privileged"] : []),
  ];
  return parts.length > 0 ? `filtered: ${parts.join(" ")}` : "";
}

/**
 * The matrix: one row per account (with its tags, when any account has some), in its group's
 * `<tbody>` under a heading that folds it; one column per requester; a chip per IAM role the
 * requester can get there, coloured by its privilege.
 */
function matrix(report: AccessReport): string {
  const cells = new Map<string, Map<string, { privilege: PrivilegeLevel; grants: number[] }>>();
  for (const [i, g] of report.grants.entries()) {
    const key = `${g.accountName}\u0000${g.requester}`;
    const roles = cells.get(key) ?? new Map<string, { privilege: PrivilegeLevel; grants: number[] }>();
    cells.set(key, roles);
    const role = roles.get(g.roleName);
    if (role) role.grants.push(i);
    else roles.set(g.roleName, { privilege: g.privilege, grants: [i] });
  }
  const index = new Map(report.accounts.map((a, i) => [a.name, i]));
  const collapsed = report.accounts.length > MATRIX_OPEN_LIMIT;
  const tags = report.accounts.some((a) => a.tags.length > 0);
  const head = `<thead><tr><th>account</th>${tags ? "<th>tags</th>" : ""}${report.requesters.map((r) => `<th title="${escapeXml(r.description)}">${escapeXml(r.name)}</th>`).join("")}</tr></thead>`;
  const groups = accountGroups(report.accounts);
  // Groups of one account each (a few accounts without tags) would only repeat each name as a heading.
  const headings = groups.some((g) => g.accounts.length > 1);
  const bodies = groups.map(({ group, accounts }) => {
    const rows = accounts.map((a) => row(a, index.get(a.name)!, report, cells, tags));
    if (!headings) return `<tbody class="grp">${rows.join("")}</tbody>`;
    const grants = accounts.flatMap((a) =>
      report.requesters.flatMap((r) => [...(cells.get(`${a.name}\u0000${r.name}`)?.values() ?? [])].flatMap((c) => c.grants)),
    );
    const levels = privilegeCounts(grants.map((i) => report.grants[i]));
    const summary = PRIVILEGE_LEVELS.filter((l) => levels[l] > 0)
      .reverse()
      .map((l) => `${levels[l]} ${l}`)
      .join(" · ");
    return (
      `<tbody class="grp${collapsed ? " collapsed" : ""}"><tr class="gh"><th colspan="${(tags ? 2 : 1) + report.requesters.length}">` +
      `<button type="button" class="gt" aria-expanded="${!collapsed}">${escapeXml(group)}</button><span class="gcount">${counted(accounts.length, "account")}</span>` +
      `<span class="glevels">${summary || "no grants"}</span></th></tr>${rows.join("")}</tbody>`
    );
  });
  return `<table class="matrix">${head}${bodies.join("")}</table>`;
}

function row(
  account: ReportAccount,
  index: number,
  report: AccessReport,
  cells: Map<string, Map<string, { privilege: PrivilegeLevel; grants: number[] }>>,
  tags: boolean,
): string {
  const columns = report.requesters.map((r) => {
    const roles = cells.get(`${account.name}\u0000${r.name}`);
    const chips = [...(roles?.entries() ?? [])].map(
      ([roleName, c]) => `<button type="button" class="c p-${c.privilege}" data-g="${c.grants.join(" ")}">${escapeXml(roleName)}</button>`,
    );
    return `<td>${chips.join("")}</td>`;
  });
  return (
    `<tr class="a" data-a="${index}"><td class="acct">${escapeXml(account.name)} <span class="id">${escapeXml(account.id)}</span></td>` +
    `${tags ? `<td class="tags">${escapeXml(account.tags.join(", "))}</td>` : ""}${columns.join("")}</tr>`
  );
}

/** The flow diagram: whole when small; else collapsed to account groups, each group's diagram in a `<template>` until expanded. */
function diagram(report: AccessReport): string {
  if (report.grants.length === 0) return `<p>No grants to draw.</p>`;
  const full = detailGraph(report.grants);
  if (full.nodes.length <= FULL_DIAGRAM_LIMIT) return `<div class="diagram">${flowSvg(layoutFlow(full), "who can get into what")}</div>`;
  const groups = accountGroups(report.accounts);
  const groupOf = new Map(report.accounts.map((a) => [a.name, a.group]));
  const sizes = new Map(groups.map((g) => [g.group, g.accounts.length]));
  const ids = new Map(groups.map((g, i) => [g.group, i]));
  const overview = layoutFlow(overviewGraph(report.grants, (name) => groupOf.get(name)!, sizes));
  const templates = groups.map(({ group }, i) => {
    const indexes = report.grants.flatMap((g, j) => (groupOf.get(g.accountName) === group ? [j] : []));
    if (indexes.length === 0) return "";
    const svg = flowSvg(layoutFlow(detailGraph(report.grants, indexes)), group);
    return `<template id="group-${i}"><div class="diagram" data-of="${i}"><h3>${escapeXml(group)} <button type="button" class="close">close</button></h3>${svg}</div></template>`;
  });
  return (
    `<p>${groups.length} account groups (by tags, or by name before the first "-" for accounts without tags). Click a group to draw its Vault roles and IAM roles.</p>` +
    `<div class="diagram">${flowSvg(overview, "requesters and account groups", ids)}</div><div id="expanded"></div>${templates.join("")}`
  );
}
