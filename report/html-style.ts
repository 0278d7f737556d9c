/** The page's style sheet: system fonts only (nothing to fetch), privilege colours shared by the matrix and the diagrams. */
export const ACCESS_REPORT_CSS = `
:root { --admin: #b71c1c; --admin-bg: #fde2e2; --write: #b45309; --write-bg: #fff1d6; --read: #2e7d32; --read-bg: #e3f3e4; --line: #d0d4da; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; background: #fff; }
header, section, .controls { padding: 0 20px; }
h1 { font-size: 22px; margin: 16px 0 4px; }
h2 { font-size: 17px; margin: 20px 0 8px; }
.meta { color: #57606a; margin: 0 0 8px; }
.legend { margin: 4px 0 10px; color: #57606a; }
.legend .lvl { margin-right: 4px; }
.controls { position: sticky; top: 0; z-index: 2; background: #f6f8fa; border-bottom: 1px solid var(--line); padding-top: 8px; padding-bottom: 8px; display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
#filter { width: 36em; max-width: 100%; padding: 5px 8px; font: inherit; border: 1px solid #8c959f; border-radius: 6px; }
#status { color: #57606a; }
.lvl, .c { display: inline-block; border: 1px solid; border-radius: 10px; padding: 0 7px; font: 12px/18px ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.c { margin: 1px 2px; cursor: pointer; background: #fff; }
.c[hidden] { display: none; }
.p-admin.lvl, .p-admin.c { color: var(--admin); background: var(--admin-bg); border-color: var(--admin); font-weight: 600; }
.p-write.lvl, .p-write.c { color: var(--write); background: var(--write-bg); border-color: var(--write); }
.p-read.lvl, .p-read.c { color: var(--read); background: var(--read-bg); border-color: var(--read); }
table.matrix { border-collapse: collapse; margin-bottom: 8px; }
.matrix th, .matrix td { border: 1px solid var(--line); padding: 3px 6px; text-align: left; vertical-align: top; }
.matrix thead th { position: sticky; top: 49px; background: #eaeef2; z-index: 1; }
.matrix .acct { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; white-space: nowrap; }
.matrix .id, .matrix .tags { color: #57606a; font-size: 12px; }
tr.gh th { background: #f6f8fa; font-weight: normal; }
button.gt { font: inherit; font-weight: 600; border: 0; background: none; cursor: pointer; padding: 0 4px 0 0; }
button.gt::before { content: "▾ "; }
tbody.collapsed button.gt::before { content: "▸ "; }
tbody.collapsed tr.a, tr.a.out { display: none; }
.gcount, .glevels { color: #57606a; margin-left: 8px; }
#none { color: #57606a; font-style: italic; }
#detail { position: fixed; right: 16px; bottom: 16px; max-width: min(720px, 90vw); max-height: 45vh; overflow: auto; background: #fff; border: 1px solid #8c959f; border-radius: 8px; padding: 4px 12px; box-shadow: 0 4px 16px rgba(0,0,0,.15); z-index: 3; }
#detail h3 { font-size: 14px; margin: 8px 0; }
#detail code { font-size: 12px; background: #f6f8fa; padding: 1px 4px; user-select: all; }
.diagram { overflow: auto; max-height: 80vh; border: 1px solid var(--line); border-radius: 6px; margin-bottom: 12px; }
.diagram h3 { font-size: 14px; margin: 8px; }
.flow { display: block; font: 12px ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.flow .n rect { fill: #fff; stroke: #8c959f; rx: 4px; }
.flow .n.k-requester rect { fill: #eaeef2; }
.flow .n.p-admin rect { stroke: var(--admin); fill: var(--admin-bg); stroke-width: 1.5; }
.flow .n.p-write rect { stroke: var(--write); fill: var(--write-bg); }
.flow .n.p-read rect { stroke: var(--read); fill: var(--read-bg); }
.flow .n.k-requester rect { fill: #eaeef2; }
.flow .n .sub { font-size: 10px; fill: #57606a; }
.flow .n[data-group] { cursor: pointer; }
.flow .n[data-group]:hover rect, .flow .n[data-group]:focus rect, .flow .n[aria-expanded="true"] rect { stroke-width: 3; }
.flow .e { fill: none; stroke-width: 1.2; }
.flow .e.p-admin { stroke: var(--admin); stroke-width: 1.8; marker-end: url(#arrow-admin); }
.flow .e.p-write { stroke: var(--write); marker-end: url(#arrow-write); }
.flow .e.p-read { stroke: var(--read); marker-end: url(#arrow-read); }
.flow .dim { opacity: .12; }
.defs { position: absolute; }
marker.p-admin path { fill: var(--admin); }
marker.p-write path { fill: var(--write); }
marker.p-read path { fill: var(--read); }
`;
