// Plain server-rendered SVG charts for the cluster views.

export const PHASE_COLORS: Record<string, string> = {
  Running: "#10b981",
  Succeeded: "#64748b",
  Pending: "#f59e0b",
  Failed: "#ef4444",
  Unknown: "#a855f7",
};

/** A stacked bar of counts with a legend (pods by phase). */
export function StackedBar({ parts, label }: { parts: { name: string; value: number; color: string }[]; label: string }) {
  const total = parts.reduce((a, p) => a + p.value, 0) || 1;
  const offsets = parts.map((_, i) => parts.slice(0, i).reduce((a, p) => a + (p.value / total) * 100, 0));
  return (
    <figure>
      <svg role="img" aria-label={label} viewBox="0 0 100 8" preserveAspectRatio="none" className="h-6 w-full overflow-hidden rounded">
        <rect width="100" height="8" fill="#e2e8f0" />
        {parts.map((p, i) => (
          <rect key={p.name} x={offsets[i]} width={(p.value / total) * 100} height="8" fill={p.color} />
        ))}
      </svg>
      <figcaption className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
        {parts.map((p) => (
          <span key={p.name} className="flex items-center gap-1.5">
            <span aria-hidden className="inline-block h-2.5 w-2.5 rounded-sm" style={{ background: p.color }} />
            {p.name} <strong className="font-semibold text-slate-800">{p.value.toLocaleString("en")}</strong>
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/**
 * Requested (solid) and, when known, used (thin line) against allocatable, as one bar.
 * Over-commitment shows as a full red bar.
 */
export function UsageBar({ requested, used, capacity, label, title }: { requested: number; used?: number | null; capacity: number; label: string; title?: string }) {
  const pct = (v: number) => (capacity > 0 ? Math.min(100, (v / capacity) * 100) : 0);
  const over = capacity > 0 && requested > capacity;
  return (
    <div className="min-w-32" title={title}>
      <svg role="img" aria-label={label} viewBox="0 0 100 10" preserveAspectRatio="none" className="h-2.5 w-full overflow-hidden rounded-full">
        <rect width="100" height="10" fill="#e2e8f0" />
        <rect width={pct(requested)} height="10" fill={over ? "#ef4444" : "#6366f1"} />
        {used != null ? <rect x="0" y="7" width={pct(used)} height="3" fill="#0f766e" /> : null}
      </svg>
    </div>
  );
}

/** One row per item, requested vs allocatable for CPU and memory (the per-node chart). */
export function NodeChart({ rows, label }: { rows: { name: string; cpu: number; mem: number; usedCpu?: number | null; usedMem?: number | null }[]; label: string }) {
  const rowH = 18;
  const h = rows.length * rowH + 20;
  const bar = (v: number) => Math.min(1, Math.max(0, v)) * 200;
  return (
    <svg role="img" aria-label={label} viewBox={`0 0 640 ${h}`} className="w-full" style={{ maxHeight: h * 1.2 }}>
      <text x="180" y="12" fontSize="10" fill="#475569">CPU requested / allocatable</text>
      <text x="420" y="12" fontSize="10" fill="#475569">Memory requested / allocatable</text>
      {rows.map((r, i) => {
        const y = 20 + i * rowH;
        return (
          <g key={r.name}>
            <text x="0" y={y + 10} fontSize="10" fill="#0f172a">
              {r.name.length > 28 ? `${r.name.slice(0, 27)}…` : r.name}
            </text>
            <rect x="180" y={y} width="200" height="10" rx="2" fill="#e2e8f0" />
            <rect x="180" y={y} width={bar(r.cpu)} height="10" rx="2" fill={r.cpu > 1 ? "#ef4444" : "#6366f1"} />
            {r.usedCpu != null ? <rect x="180" y={y + 7} width={bar(r.usedCpu)} height="3" fill="#0f766e" /> : null}
            <rect x="420" y={y} width="200" height="10" rx="2" fill="#e2e8f0" />
            <rect x="420" y={y} width={bar(r.mem)} height="10" rx="2" fill={r.mem > 1 ? "#ef4444" : "#6366f1"} />
            {r.usedMem != null ? <rect x="420" y={y + 7} width={bar(r.usedMem)} height="3" fill="#0f766e" /> : null}
            <title>{`${r.name}: CPU ${Math.round(r.cpu * 100)}%, memory ${Math.round(r.mem * 100)}% requested`}</title>
          </g>
        );
      })}
    </svg>
  );
}

export function ChartLegend({ usage }: { usage: boolean }) {
  return (
    <p className="mt-2 flex gap-4 text-xs text-slate-500">
      <span className="flex items-center gap-1.5">
        <span aria-hidden className="inline-block h-2.5 w-2.5 rounded-sm bg-indigo-500" /> requested
      </span>
      {usage ? (
        <span className="flex items-center gap-1.5">
          <span aria-hidden className="inline-block h-1 w-3 bg-teal-700" /> used now (metrics.k8s.io)
        </span>
      ) : null}
      <span className="flex items-center gap-1.5">
        <span aria-hidden className="inline-block h-2.5 w-2.5 rounded-sm bg-red-500" /> over-committed
      </span>
    </p>
  );
}
