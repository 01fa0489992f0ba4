import type { GraphItem, GraphModel } from "@/lib/views";

// The graph as server-rendered SVG: four columns (namespaces, workloads, pods, nodes), links
// to expand or collapse, edges whose width grows with the number of pods they carry.

const BOX_W = 200;
const BOX_H = 34;
const ROW = 42;
const GAP = 70;
const TOP = 28;

const FILL = { ok: "#ecfdf5", warn: "#fffbeb", bad: "#fef2f2", muted: "#f1f5f9" } as const;
const STROKE = { ok: "#10b981", warn: "#f59e0b", bad: "#ef4444", muted: "#94a3b8" } as const;
const TITLES = { namespace: "Namespaces", workload: "Workloads", pod: "Pods", node: "Nodes" } as const;

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function Box({ item, x, y }: { item: GraphItem; x: number; y: number }) {
  const body = (
    <g data-testid={`graph-${item.column}`} data-hit={item.hit ? "true" : undefined}>
      <rect x={x} y={y} width={BOX_W} height={BOX_H} rx="6" fill={item.hit ? "#fee2e2" : FILL[item.tone]} stroke={item.hit ? "#dc2626" : item.selected ? "#4f46e5" : STROKE[item.tone]} strokeWidth={item.hit || item.selected ? 2.5 : 1} />
      <text x={x + 8} y={y + 14} fontSize="11" fontWeight="600" fill="#0f172a">
        {cut(item.label, 30)}
      </text>
      <text x={x + 8} y={y + 27} fontSize="10" fill="#475569">
        {cut(item.detail, 34)}
        {item.hit ? " · hit by the run" : ""}
      </text>
      <title>{`${item.label}: ${item.detail}`}</title>
    </g>
  );
  return item.href ? (
    <a href={item.href} aria-label={`${item.selected ? "Collapse" : "Expand"} ${item.column} ${item.label}`}>
      {body}
    </a>
  ) : (
    body
  );
}

export function GraphSvg({ model }: { model: GraphModel }) {
  const cols = (["namespace", "workload", "pod", "node"] as const).filter((c) => model.columns[c].length > 0 || c === "namespace");
  const x = new Map(cols.map((c, i) => [c, i * (BOX_W + GAP)]));
  const pos = new Map<string, { x: number; y: number }>();
  for (const c of cols) model.columns[c].forEach((it, i) => pos.set(it.id, { x: x.get(c)!, y: TOP + i * ROW }));
  const rows = Math.max(...cols.map((c) => model.columns[c].length + (model.hidden[c] > 0 && c !== "node" ? 1 : 0)), 1);
  const width = cols.length * (BOX_W + GAP) - GAP;
  const height = TOP + rows * ROW;
  const maxW = Math.max(1, ...model.edges.map((e) => e.weight));
  return (
    <svg role="img" aria-label="Cluster topology" data-testid="graph" viewBox={`0 0 ${width} ${height}`} width={width} height={height} className="max-w-none">
      {cols.map((c) => (
        <text key={c} x={x.get(c)} y={14} fontSize="11" fontWeight="600" fill="#64748b">
          {TITLES[c]}
        </text>
      ))}
      <g fill="none">
        {model.edges.map((e) => {
          const a = pos.get(e.from);
          const b = pos.get(e.to);
          if (!a || !b) return null;
          const x1 = a.x + BOX_W;
          const y1 = a.y + BOX_H / 2;
          const x2 = b.x;
          const y2 = b.y + BOX_H / 2;
          const mid = (x1 + x2) / 2;
          return <path key={`${e.from}>${e.to}`} d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`} stroke="#94a3b8" strokeOpacity="0.55" strokeWidth={0.75 + 4 * Math.sqrt(e.weight / maxW)} />;
        })}
      </g>
      {cols.map((c) =>
        model.columns[c].map((it) => {
          const p = pos.get(it.id)!;
          return <Box key={it.id} item={it} x={p.x} y={p.y} />;
        }),
      )}
      {cols.map((c) =>
        model.hidden[c] > 0 && c !== "node" ? (
          <text key={`more-${c}`} x={x.get(c)! + 8} y={TOP + model.columns[c].length * ROW + 16} fontSize="11" fill="#64748b">
            {`+${model.hidden[c].toLocaleString("en")} more: search to narrow`}
          </text>
        ) : null,
      )}
    </svg>
  );
}
