import { type EdgeLabel, type GraphLabel, graphlib, layout, type NodeLabel } from "@dagrejs/dagre";
import type { FlowEdge, FlowGraph, FlowNode } from "./flow-graph";

/** A box with its place: `x`, `y` is its top-left corner, in pixels. */
export interface PlacedNode extends FlowNode {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** An arrow with its route. */
export interface PlacedEdge extends FlowEdge {
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

/** A laid-out diagram, ready to draw. */
export interface FlowLayout {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
}

/**
 * Text is drawn in the browser's monospace font, so its width can be known here: 12 px glyphs
 * are 0.6 em wide in every common monospace font (DejaVu Sans Mono, Menlo, Consolas).
 */
export const TEXT = { labelSize: 12, sublabelSize: 10, charWidth: 0.61, padding: 10 } as const;

/** The size of a box for its text. */
export function nodeSize(node: Pick<FlowNode, "label" | "sublabel">): { width: number; height: number } {
  const label = node.label.length * TEXT.labelSize * TEXT.charWidth;
  const sublabel = (node.sublabel?.length ?? 0) * TEXT.sublabelSize * TEXT.charWidth;
  return { width: Math.ceil(Math.max(label, sublabel) + 2 * TEXT.padding), height: node.sublabel ? 36 : 24 };
}

/**
 * Lays the diagram out left to right with dagre's layered layout (ranks, crossing reduction,
 * coordinates and edge routes), in Node at generation time: the page holds static SVG and runs no
 * layout code. Coordinates are rounded to whole pixels to keep the file small.
 */
export function layoutFlow(graph: FlowGraph): FlowLayout {
  // dagre reads each node's size and writes its centre, and writes each edge's route.
  const g = new graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>({ multigraph: false });
  // Every path has the same three ranks, so the longest-path ranker places them as network simplex
  // would, at an eighth of the time (0.26 s against 2.0 s for a group of 480 grants).
  g.setGraph({ rankdir: "LR", ranker: "longest-path", nodesep: 8, ranksep: 110, edgesep: 6, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) g.setNode(node.id, nodeSize(node));
  for (const edge of graph.edges) g.setEdge(edge.from, edge.to, {});
  layout(g);
  const round = (n: number | undefined) => Math.round(n ?? 0);
  const nodes = graph.nodes.map((node): PlacedNode => {
    const placed = g.node(node.id);
    return {
      ...node,
      x: round(placed.x! - placed.width / 2),
      y: round(placed.y! - placed.height / 2),
      width: placed.width,
      height: placed.height,
    };
  });
  const edges = graph.edges.map((edge): PlacedEdge => {
    const placed = g.edge(edge.from, edge.to);
    return { ...edge, points: (placed.points ?? []).map((p) => ({ x: round(p.x), y: round(p.y) })) };
  });
  const { width, height } = g.graph();
  return { width: Math.ceil(width ?? 0), height: Math.ceil(height ?? 0), nodes, edges };
}
