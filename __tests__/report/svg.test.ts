import { arrowMarkers, escapeXml, flowSvg } from "../../report/svg";
import type { FlowLayout } from "../../report/flow-layout";

describe("escapeXml", () => {
  test("escapes what would end text or an attribute", () => {
    expect(escapeXml(`a<b>&"c'`)).toBe("a&#60;b&#62;&#38;&#34;c&#39;");
  });
});

describe("flowSvg", () => {
  const layout: FlowLayout = {
    width: 300,
    height: 60,
    nodes: [
      { id: "r:sre", kind: "requester", label: "sre", privilege: "write", grants: [0, 1], x: 8, y: 8, width: 40, height: 24 },
      {
        id: "g:tags: prod",
        kind: "group",
        label: "tags: prod",
        sublabel: "1 account",
        privilege: "admin",
        grants: [1],
        x: 200,
        y: 8,
        width: 90,
        height: 36,
      },
    ],
    edges: [
      {
        from: "r:sre",
        to: "g:tags: prod",
        privilege: "admin",
        grants: [1],
        title: "sre → tags: prod: 1 role",
        points: [
          { x: 48, y: 20 },
          { x: 120, y: 22 },
          { x: 200, y: 24 },
        ],
      },
    ],
  };
  const svg = flowSvg(layout, "a <test>", new Map([["tags: prod", 3]]));

  test("is inline SVG of the layout's size", () => {
    expect(svg).toMatch(
      /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="flow" viewBox="0 0 300 60" width="300" height="60" role="img" aria-label="a &#60;test&#62;">/,
    );
  });
  test("each box says its kind, privilege and grants, at its place", () => {
    expect(svg).toContain(
      '<g class="n k-requester p-write" data-g="0 1" transform="translate(8,8)"><rect width="40" height="24"/><text x="10" y="16">sre</text></g>',
    );
  });
  test("a group box is a button that names its group", () => {
    expect(svg).toContain(
      '<g class="n k-group p-admin" data-g="1" data-group="3" tabindex="0" role="button" aria-expanded="false" transform="translate(200,8)">',
    );
    expect(svg).toContain('<text class="sub" x="10" y="30">1 account</text>');
  });
  test("an arrow curves through dagre's route, with its title", () => {
    expect(svg).toContain(
      '<path class="e p-admin" data-g="1" d="M48,20Q120,22 160,23L200,24"><title>sre → tags: prod: 1 role</title></path>',
    );
  });
});

describe("arrowMarkers", () => {
  test("one arrowhead per level, found by id", () => {
    expect(arrowMarkers(["read", "admin"])).toContain('<marker id="arrow-read" class="p-read"');
    expect(arrowMarkers(["read", "admin"])).toContain('<marker id="arrow-admin" class="p-admin"');
  });
});
