import { createHash } from "node:crypto";
import { filterReport } from "../../report/filter";
import { accessHtml, FULL_DIAGRAM_LIMIT, MATRIX_OPEN_LIMIT } from "../../report/html";
import type { ClientData } from "../../report/html-data";
import { exampleReport, generatedReport } from "./helpers";

const inline = (html: string, tag: "script" | "style") =>
  [...html.matchAll(new RegExp(`<${tag}(?: [^>]*)?>([\\s\\S]*?)</${tag}>`, "g"))]
    .map((m) => (m[0].startsWith(`<${tag}>`) ? m[1] : undefined))
    .filter((t): t is string => t !== undefined);
const data = (html: string): ClientData =>
  JSON.parse(/<script id="report-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html)![1]);

describe("accessHtml on the example", () => {
  const report = exampleReport();
  const html = accessHtml(report, { source: "accounts.yaml", filter: {} });

  test("refers to nothing outside itself: no src, href, import or remote url", () => {
    expect(html).not.toMatch(/\ssrc=|\shref=|@import|url\((?!#)/);
    // The SVG namespace is a name, not a request.
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, "")).not.toMatch(/https?:\/\//);
  });

  test("its Content-Security-Policy refuses every request and allows exactly its own script and style", () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1];
    const hash = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
    expect(csp).toBe(`default-src 'none'; script-src ${hash(inline(html, "script")[0])}; style-src ${hash(inline(html, "style")[0])}`);
  });

  test("a matrix row per account, a column per requester, a chip per role coloured by privilege", () => {
    expect(html.match(/<tr class="a"/g)).toHaveLength(4);
    expect(html).toContain('<th title="On-call SREs: every account, prod included">sre</th>');
    expect(html).toMatch(
      /<tr class="a" data-a="3"><td class="acct">prod <span class="id">444444444444<\/span><\/td><td><\/td><td><\/td><td><button type="button" class="c p-write" data-g="\d+">ec2-admin<\/button><button type="button" class="c p-read" data-g="\d+">readonly<\/button><\/td><\/tr>/,
    );
  });

  test("accounts that each make a group of their own get no group headings, and no account has tags to show", () => {
    expect(html).not.toContain('class="gh"');
    expect(html).not.toContain("<th>tags</th>");
  });

  test("small enough to draw whole: one diagram, no groups to expand, matrix groups open", () => {
    expect(html.match(/<svg xmlns/g)).toHaveLength(1);
    expect(html).not.toContain("<template id=");
    expect(html).not.toContain("grp collapsed");
  });

  test("the page's data lists every grant in the report's order", () => {
    const d = data(html);
    expect(d.grants).toHaveLength(report.grants.length);
    const [requester, path] = d.grants[0];
    const [vaultRole, , role, command] = d.paths[path];
    expect([d.requesters[requester], vaultRole, d.roles[role][1], command]).toEqual([
      report.grants[0].requester,
      report.grants[0].vaultRole,
      report.grants[0].roleName,
      report.grants[0].vaultCommand,
    ]);
  });

  test("text from the config is escaped", () => {
    const odd = { ...report, requesters: report.requesters.map((r) => ({ ...r, description: `<script>alert("x")</script>` })) };
    const page = accessHtml(odd, { source: "a<b>.yaml", filter: {} });
    expect(page).not.toContain('<script>alert("x")</script>');
    expect(page).toContain("a&#60;b&#62;.yaml");
  });

  test("the header names the command line's filters", () => {
    expect(
      accessHtml(filterReport(report, { requesters: ["sre"] }), {
        source: "accounts.yaml",
        filter: { requesters: ["sre"], privileged: true },
      }),
    ).toContain("accounts.yaml · filtered: --requester sre --privileged");
  });
});

describe("accessHtml at 1,000 accounts", () => {
  const report = generatedReport(1000);
  const html = accessHtml(report, { source: "big.yaml", filter: {} });

  test(`over ${FULL_DIAGRAM_LIMIT} boxes, the diagram starts collapsed to account groups, each group's diagram in a template`, () => {
    expect(html.replace(/<template[\s\S]*?<\/template>/g, "").match(/<svg xmlns/g)).toHaveLength(1);
    expect(
      html.match(
        /<template id="group-\d+"><div class="diagram" data-of="\d+"><h3>[^<]+ <button type="button" class="close">close<\/button><\/h3><svg xmlns/g,
      ),
    ).toHaveLength(14);
    expect(html.match(/data-group="\d+"/g)).toHaveLength(14);
  });

  test(`over ${MATRIX_OPEN_LIMIT} accounts, the matrix's groups start collapsed`, () => {
    expect(html.match(/<tbody class="grp collapsed">/g)).toHaveLength(14);
    expect(html.match(/<tr class="a"/g)).toHaveLength(1000);
  });

  test("stays a sane size (measured: about 2.7 MB)", () => {
    expect(Buffer.byteLength(html)).toBeLessThan(3.5 * 1024 * 1024);
  });
});
