import { accessReport, type AccessReport } from "../report/access-report";
import { accessHtml } from "../report/html";
import { accessJson } from "../report/json";
import { accessChangesMarkdown, accessMarkdown } from "../report/markdown";
import { accessTerminal } from "../report/terminal";
import { CONTROL_CHARACTERS, jsonText, markdownCode, markdownText, terminalText } from "../lib/output-text";
import { baseConfig, configOf, modelOf } from "./helpers";

const commonmark = require("commonmark");
/** Markdown as a CommonMark renderer turns it into HTML. */
const rendered = (markdown: string): string => new commonmark.HtmlRenderer().render(new commonmark.Parser().parse(markdown));

/** Strings an attacker would put in a description or a group name, one per trick. */
const HOSTILE = {
  eraseLine: "\u001b[1A\u001b[2K",
  c1Csi: "\u009b2J",
  bidi: "admin\u202etxt.exe",
  newLine: "ok\n# fake heading\n- fake item",
  comment: "<!-- the rest is hidden",
  script: "</script><script>alert(1)</script>",
  markup: "**bold** _em_ [link](https://evil.example) ![img](https://evil.example/x.png) `code` &amp; ~~gone~~",
  leading: "- not a list",
};

/** The report of a valid config whose description holds the printable tricks, with every string then made hostile, as a base branch's access.json could be. */
function hostileReport(): AccessReport {
  const config: any = baseConfig();
  config.requesters.developers.description = `${HOSTILE.comment} ${HOSTILE.markup} ${HOSTILE.script}`;
  config.requesters.developers.groups = [{ authMount: "oidc", name: "eng`` <!--" }];
  const report = accessReport(modelOf(config));
  const everything = Object.values(HOSTILE).join(" ");
  return {
    ...report,
    requesters: report.requesters.map((r) => ({
      ...r,
      description: `${r.description} ${everything}`,
      externalGroups: [...r.externalGroups, HOSTILE.eraseLine],
    })),
    accounts: report.accounts.map((a) => ({ ...a, group: `${a.group}${HOSTILE.c1Csi}${HOSTILE.comment}` })),
    grants: report.grants.map((g) => ({
      ...g,
      roleName: `${g.roleName}${HOSTILE.eraseLine}${HOSTILE.markup}`,
      externalGroups: [HOSTILE.newLine],
    })),
  };
}

describe("the config refuses control characters, naming the field", () => {
  test.each([
    ["an escape sequence", HOSTILE.eraseLine, "U+001B"],
    ["a one-byte CSI", HOSTILE.c1Csi, "U+009B"],
    ["a bidirectional override", HOSTILE.bidi, "U+202E"],
  ])("%s in a description", (_, text, code) => {
    const config: any = baseConfig();
    config.requesters.developers.description = text;
    expect(() => configOf(config)).toThrow(
      `accounts.yaml:5:18: requesters.developers.description: ${jsonText(text)} holds the control character ${code}: config text may not hold control or invisible formatting characters (tab and line feed excepted); remove it`,
    );
  });
  test("in a policy document's value and key, and in a group name, each reported", () => {
    const config: any = baseConfig();
    config.requesters.developers.groups = [{ authMount: "oidc", name: `eng${HOSTILE.eraseLine}` }];
    config.accounts[1].roles[0].inlinePolicy = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*", Condition: { "StringEquals\u0007": { "aws:x": "y" } } }],
    };
    expect(() => configOf(config)).toThrow(/groups\[0\]\.name: "eng\\u001b\[1A\\u001b\[2K" holds the control character U\+001B/);
    expect(() => configOf(config)).toThrow(
      /inlinePolicy\.Statement\[0\]\.Condition: the key "StringEquals\\u0007" holds a control character/,
    );
  });
  test("tab and line feed, which YAML block scalars hold, are text", () => {
    const config: any = baseConfig();
    config.requesters.developers.description = "Developers\n\tof the shop\n";
    expect(configOf(config).requesters!.developers.description).toBe("Developers\n\tof the shop\n");
  });
});

describe("terminal output never carries a control character", () => {
  test("without colour: no control character but the line breaks", () => {
    const text = accessTerminal(hostileReport(), { by: "requester", color: false, privileged: false });
    expect(text.replace(/\n/g, "").match(CONTROL_CHARACTERS)).toBeNull();
    expect(text).toContain("\\x1b[1A\\x1b[2K");
    expect(text).toContain("\\x9b2J");
    expect(text).toContain("admin\\u202etxt.exe");
    expect(text).toContain("ok\\n# fake heading\\n- fake item");
  });
  test("with colour: the only escapes are the program's own colour codes", () => {
    for (const by of ["requester", "account"] as const) {
      const text = accessTerminal(hostileReport(), { by, color: true, privileged: false });
      // eslint-disable-next-line no-control-regex -- the colour sequences are what it removes
      const withoutColours = text.replace(/\u001b\[(?:1;31|33|32|0)m/g, "").replace(/\n/g, "");
      expect(withoutColours.match(CONTROL_CHARACTERS)).toBeNull();
    }
  });
  test("terminalText shows each control character as an escape", () => {
    expect(terminalText("a\u001bb\tc\nd\u0000\u007f\u200b")).toBe("a\\x1bb\\tc\\nd\\x00\\x7f\\u200b");
  });
});

describe("markdown output shows config text as written", () => {
  test.each(["requester", "account"] as const)("by %s: no comment, script, link, image or emphasis comes from the config", (by) => {
    const markdown = accessMarkdown(hostileReport(), { by, privileged: false });
    const html = rendered(markdown);
    expect(html).not.toMatch(/<!--|<script|<a |<img |<em>|<del>|<h1>/);
    expect(html.match(/<strong>/g)).toEqual(["<strong>"]); // the legend's own "admin"
    expect(markdown.replace(/\n/g, "").match(CONTROL_CHARACTERS)).toBeNull();
    if (by === "requester") {
      // The description reads as written once rendered.
      expect(html).toContain("&lt;!-- the rest is hidden **bold** _em_ [link](https://evil.example)");
      expect(html).toContain("<code>oidc/eng`` &lt;!--</code>");
    }
  });
  test("the program's own markup still renders", () => {
    const html = rendered(accessMarkdown(hostileReport(), { by: "requester", privileged: false }));
    expect(html).toContain("<h2>Who can get into what</h2>");
    expect(html).toContain("<strong>admin</strong>");
  });
  test("plan summaries: the access changes of a hostile base are text too", () => {
    const [lines] = accessChangesMarkdown({
      granted: [{ requester: HOSTILE.comment, vaultRole: "x", roleArn: HOSTILE.markup }],
      revoked: [],
    } as never);
    expect(rendered(lines)).not.toMatch(/<!--|<a |<img |<em>|<strong>/);
  });
  test.each([
    ["<!-- x", "\\<\\!-- x"],
    ["# h", "\\# h"],
    ["- item", "\\- item"],
    ["12. item", "12\\. item"],
    ["dev-ec2-admin: arn:aws:iam::222222222222:role/ec2-admin", "dev-ec2-admin: arn:aws:iam::222222222222:role/ec2-admin"],
  ])("markdownText(%j) is %j", (text, escaped) => {
    expect(markdownText(text)).toBe(escaped);
  });
  test("markdownCode fences past every backtick run", () => {
    expect(markdownCode("a``b")).toBe("```a``b```");
    expect(rendered(markdownCode("`x` <!--"))).toBe("<p><code>`x` &lt;!--</code></p>\n");
  });
});

describe("JSON output holds no control character and parses back to the same text", () => {
  test("the access report as --format json writes it", () => {
    const report = hostileReport();
    const text = jsonText(accessJson(report, {}), 2);
    expect(text.replace(/\n/g, "").match(CONTROL_CHARACTERS)).toBeNull();
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(accessJson(report, {}))));
  });
});

describe("HTML output shows config text as text", () => {
  test("no element, comment or script comes from the config", () => {
    const html = accessHtml(hostileReport(), { source: `accounts.yaml${HOSTILE.script}`, filter: {} });
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).not.toContain("<!-- the rest is hidden");
    expect(html.match(/<script/g)).toHaveLength(2); // the report's data and its code
    expect(html).toContain("&#60;/script&#62;&#60;script&#62;alert(1)&#60;/script&#62;");
  });
});
