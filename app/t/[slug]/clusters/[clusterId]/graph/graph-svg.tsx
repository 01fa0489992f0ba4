import type { GraphItem, GraphModel } from "@/lib/views";

// The graph: up to four columns (namespaces, workloads, pods, nodes) of boxes, links to expand
// or collapse, and edges whose width grows with the number of pods they carry.
//
// The boxes are HTML in a grid that spans the card's width, and the edges one SVG stretched
// behind them (horizontal units are per mille of the width, vertical units are pixels). So the
// graph fills a wide card, its text keeps its size on every screen, and on a narrow screen the
// columns keep a readable width and the card scrolls sideways instead of cutting the last one.

const BOX_H = 34; // h-[34px]
const GAP_Y = 8; // gap-y-2
const ROW = BOX_H + GAP_Y;
const TOP = 28; // the column titles: h-5 + mb-2

// Per number of columns: the gap between them (share of the width) and the width below which
// the card scrolls. Static class names, so that Tailwind generates them.
const LAYOUT = {
  1: { gap: 0, grid: "grid-cols-1", min: "min-w-[12rem]" },
  2: { gap: 0.3, grid: "grid-cols-2 gap-x-[30%]", min: "min-w-[32rem]" },
  3: { gap: 0.15, grid: "grid-cols-3 gap-x-[15%]", min: "min-w-[40rem]" },
  4: { gap: 0.08, grid: "grid-cols-4 gap-x-[8%]", min: "min-w-[52rem]" },
} as const;

const TONE = {
  ok: "border-emerald-500 bg-emerald-50",
  warn: "border-amber-500 bg-amber-50",
  bad: "border-red-500 bg-red-50",
  muted: "border-slate-400 bg-slate-100",
} as const;
const TITLES = { namespace: "Namespaces", workload: "Workloads", pod: "Pods", node: "Nodes" } as const;

function Box({ item }: { item: GraphItem }) {
  const look = item.hit ? "border-2 border-red-600 bg-red-100" : item.selected ? `border-2 border-indigo-500 ${TONE[item.tone].split(" ")[1]}` : `border ${TONE[item.tone]}`;
  const body = (
    <div
      data-testid={`graph-${item.column}`}
      data-hit={item.hit ? "true" : undefined}
      title={`${item.label}: ${item.detail}`}
      className={`flex h-[34px] flex-col justify-center rounded-md px-2 leading-tight ${look} ${item.href ? "hover:shadow-md" : ""}`}
    >
      <span className="truncate text-xs font-semibold text-slate-900">{item.label}</span>
      <span className="truncate text-[11px] text-slate-600">
        {item.detail}
        {item.hit ? " · hit by the run" : ""}
      </span>
    </div>
  );
  return item.href ? (
    <a href={item.href} aria-label={`${item.selected ? "Collapse" : "Expand"} ${item.column} ${item.label}`} className="block rounded-md focus-visible:outline-2 focus-visible:outline-brand-600">
      {body}
    </a>
  ) : (
    body
  );
}

export function GraphSvg({ model }: { model: GraphModel }) {
  const cols = (["namespace", "workload", "pod", "node"] as const).filter((c) => model.columns[c].length > 0 || c === "namespace");
  const layout = LAYOUT[cols.length as 1 | 2 | 3 | 4];
  const more = (c: (typeof cols)[number]) => model.hidden[c] > 0 && c !== "node";
  const rows = Math.max(...cols.map((c) => model.columns[c].length + (more(c) ? 1 : 0)), 1);
  const height = TOP + rows * ROW - GAP_Y;
  // Horizontal positions in per mille of the width: where each column starts and ends.
  const colW = (1000 - layout.gap * 1000 * (cols.length - 1)) / cols.length;
  const left = new Map(cols.map((c, i) => [c, i * (colW + layout.gap * 1000)]));
  const pos = new Map<string, { x: number; y: number }>();
  for (const c of cols) model.columns[c].forEach((it, i) => pos.set(it.id, { x: left.get(c)!, y: TOP + i * ROW + BOX_H / 2 }));
  const maxW = Math.max(1, ...model.edges.map((e) => e.weight));
  return (
    <div role="group" aria-label="Cluster topology" data-testid="graph" className={`relative ${layout.min}`}>
      <svg aria-hidden viewBox={`0 0 1000 ${height}`} preserveAspectRatio="none" className="pointer-events-none absolute inset-0 h-full w-full">
        <g fill="none" className="stroke-slate-400" strokeOpacity="0.6">
          {model.edges.map((e) => {
            const a = pos.get(e.from);
            const b = pos.get(e.to);
            if (!a || !b) return null;
            const x1 = a.x + colW;
            const x2 = b.x;
            const mid = (x1 + x2) / 2;
            return <path key={`${e.from}>${e.to}`} d={`M${x1},${a.y} C${mid},${a.y} ${mid},${b.y} ${x2},${b.y}`} vectorEffect="non-scaling-stroke" strokeWidth={0.75 + 4 * Math.sqrt(e.weight / maxW)} />;
          })}
        </g>
      </svg>
      <div className={`relative grid ${layout.grid}`}>
        {cols.map((c) => (
          <div key={c} className="min-w-0">
            <h3 className="mb-2 h-5 text-xs font-semibold text-slate-600">{TITLES[c]}</h3>
            <ul className="flex flex-col gap-y-2">
              {model.columns[c].map((it) => (
                <li key={it.id}>
                  <Box item={it} />
                </li>
              ))}
              {more(c) ? (
                <li className="flex h-[34px] items-center px-2 text-xs text-slate-600">{`+${model.hidden[c].toLocaleString("en")} more: search to narrow`}</li>
              ) : null}
            </ul>
          </div>
        ))}
      </div>
    </div>
  );
}
