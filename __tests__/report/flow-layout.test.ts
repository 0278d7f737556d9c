import { detailGraph } from "../../report/flow-graph";
import { layoutFlow, nodeSize, type PlacedNode } from "../../report/flow-layout";
import { exampleReport } from "./helpers";

describe("layoutFlow", () => {
  const layout = layoutFlow(detailGraph(exampleReport().grants));
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));

  test("every box keeps its size for its text", () => {
    for (const node of layout.nodes) expect([node.width, node.height]).toEqual(Object.values(nodeSize(node)));
  });

  test("left to right: requesters, then Vault roles, then accounts and roles", () => {
    const columns = (kind: string) => layout.nodes.filter((n) => n.kind === kind);
    const right = (nodes: PlacedNode[]) => Math.max(...nodes.map((n) => n.x + n.width));
    const left = (nodes: PlacedNode[]) => Math.min(...nodes.map((n) => n.x));
    expect(right(columns("requester"))).toBeLessThan(left(columns("vault-role")));
    expect(right(columns("vault-role"))).toBeLessThan(left(columns("target")));
  });

  test("no two boxes overlap", () => {
    for (const a of layout.nodes) {
      for (const b of layout.nodes) {
        if (a === b) continue;
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        expect(apart).toBe(true);
      }
    }
  });

  test("each arrow starts on its source box's border and ends on its target box's", () => {
    const onBorder = (p: { x: number; y: number }, n: PlacedNode) =>
      p.x >= n.x - 1 &&
      p.x <= n.x + n.width + 1 &&
      p.y >= n.y - 1 &&
      p.y <= n.y + n.height + 1 &&
      [p.x - n.x, p.x - n.x - n.width, p.y - n.y, p.y - n.y - n.height].some((d) => Math.abs(d) <= 1);
    for (const edge of layout.edges) {
      expect(onBorder(edge.points[0], byId.get(edge.from)!)).toBe(true);
      expect(onBorder(edge.points[edge.points.length - 1], byId.get(edge.to)!)).toBe(true);
    }
  });

  test("everything fits in the drawing", () => {
    for (const n of layout.nodes) {
      expect(n.x).toBeGreaterThanOrEqual(0);
      expect(n.x + n.width).toBeLessThanOrEqual(layout.width);
      expect(n.y + n.height).toBeLessThanOrEqual(layout.height);
    }
  });

  test("the same report gives the same drawing", () => {
    expect(layoutFlow(detailGraph(exampleReport().grants))).toEqual(layout);
  });
});
