import type { PrivilegeLevel } from "../lib/policy/privilege";
import { type FlowLayout, TEXT } from "./flow-layout";

/** Text for HTML and SVG: content and attribute values alike. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The arrowheads every diagram of a page refers to, one per privilege level, in a hidden SVG of
 * their own (markers are found by id anywhere in the document).
 */
export function arrowMarkers(levels: readonly PrivilegeLevel[]): string {
  const markers = levels.map(
    (l) =>
      `<marker id="arrow-${l}" class="p-${l}" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L8,4L0,8z"/></marker>`,
  );
  return `<svg class="defs" width="0" height="0" aria-hidden="true"><defs>${markers.join("")}</defs></svg>`;
}

/**
 * A laid-out diagram as inline SVG. Every box and arrow carries its privilege as a class
 * (`p-admin`) and its grants as `data-g`, which is all the page's filter needs; a group box is a
 * button (`data-group`) that expands its group. What is the same for every box or arrow (corner
 * radius, arrowheads) is in the style sheet, which keeps a 1,000-account page smaller.
 */
export function flowSvg(layout: FlowLayout, title: string, groupIds: ReadonlyMap<string, number> = new Map()): string {
  const edges = layout.edges.map((e) => {
    const attributes = `class="e p-${e.privilege}" data-g="${e.grants.join(" ")}" d="${curve(e.points)}"`;
    return e.title ? `<path ${attributes}><title>${escapeXml(e.title)}</title></path>` : `<path ${attributes}/>`;
  });
  const nodes = layout.nodes.map((n) => {
    const group = n.kind === "group" ? groupIds.get(n.label) : undefined;
    const button = group === undefined ? "" : ` data-group="${group}" tabindex="0" role="button" aria-expanded="false"`;
    const sub = n.sublabel ? `<text class="sub" x="${TEXT.padding}" y="30">${escapeXml(n.sublabel)}</text>` : "";
    return (
      `<g class="n k-${n.kind} p-${n.privilege}" data-g="${n.grants.join(" ")}"${button} transform="translate(${n.x},${n.y})">` +
      `<rect width="${n.width}" height="${n.height}"/><text x="${TEXT.padding}" y="16">${escapeXml(n.label)}</text>${sub}</g>`
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="flow" viewBox="0 0 ${layout.width} ${layout.height}" width="${layout.width}" height="${layout.height}" role="img" aria-label="${escapeXml(title)}">` +
    `${edges.join("")}${nodes.join("")}</svg>`
  );
}

/** A smooth path through dagre's route: straight to the first point, then curves through the midpoints. */
function curve(points: readonly { x: number; y: number }[]): string {
  if (points.length === 0) return "";
  const [first, ...rest] = points;
  let d = `M${first.x},${first.y}`;
  for (let i = 0; i < rest.length - 1; i++) {
    const mid = { x: Math.round((rest[i].x + rest[i + 1].x) / 2), y: Math.round((rest[i].y + rest[i + 1].y) / 2) };
    d += `Q${rest[i].x},${rest[i].y} ${mid.x},${mid.y}`;
  }
  const last = rest[rest.length - 1];
  return last ? `${d}L${last.x},${last.y}` : d;
}
