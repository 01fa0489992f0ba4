// Server-rendered charts for the cluster views. Colours are Tailwind classes (fill-*, bg-*),
// so the charts follow the light and dark themes with the rest of the page.

/** Pod phases and the colour class each is drawn with (SVG fill and legend swatch). */
export const PHASE_COLORS: Record<string, { fill: string; swatch: string }> = {
  Running: { fill: "fill-emerald-500", swatch: "bg-emerald-500" },
  Succeeded: { fill: "fill-slate-500", swatch: "bg-slate-500" },
  Pending: { fill: "fill-amber-500", swatch: "bg-amber-500" },
  Failed: { fill: "fill-red-500", swatch: "bg-red-500" },
  Unknown: { fill: "fill-purple-500", swatch: "bg-purple-500" },
};

type Part = { name: string; value: number; color: { fill: string; swatch: string } };

/** A stacked bar of counts with a legend (pods by phase). */
export function StackedBar({ parts, label }: { parts: Part[]; label: string }) {
  const total = parts.reduce((a, p) => a + p.value, 0) || 1;
  const offsets = parts.map((_, i) => parts.slice(0, i).reduce((a, p) => a + (p.value / total) * 100, 0));
  return (
    <figure>
      <svg role="img" aria-label={label} viewBox="0 0 100 8" preserveAspectRatio="none" className="h-6 w-full overflow-hidden rounded">
        <rect width="100" height="8" className="fill-slate-200" />
        {parts.map((p, i) => (
          <rect key={p.name} x={offsets[i]} width={(p.value / total) * 100} height="8" className={p.color.fill} />
        ))}
      </svg>
      <figcaption className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
        {parts.map((p) => (
          <span key={p.name} className="flex items-center gap-1.5">
            <span aria-hidden className={`inline-block h-2.5 w-2.5 rounded-sm ${p.color.swatch}`} />
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
    <div className="min-w-24" title={title}>
      <svg role="img" aria-label={label} viewBox="0 0 100 10" preserveAspectRatio="none" className="h-2.5 w-full overflow-hidden rounded-full">
        <rect width="100" height="10" className="fill-slate-200" />
        <rect width={pct(requested)} height="10" className={over ? "fill-red-500" : "fill-indigo-500"} />
        {used != null ? <rect x="0" y="7" width={pct(used)} height="3" className="fill-teal-700" /> : null}
      </svg>
    </div>
  );
}

type NodeRow = { name: string; cpu: number; mem: number; usedCpu?: number | null; usedMem?: number | null };

const percent = (v: number) => `${Math.round(v * 100)}%`;

/**
 * One row per node, requested versus allocatable for CPU and memory (the per-node chart).
 * Drawn as HTML rows of bars, not one scaled SVG, so its text keeps the page's size on a phone
 * (a 640-unit drawing shrunk to 350 px made 5 px text).
 */
export function NodeChart({ rows, label }: { rows: NodeRow[]; label: string }) {
  return (
    <div role="img" aria-label={label} className="text-xs">
      <div aria-hidden className="hidden grid-cols-[minmax(8rem,14rem)_1fr_1fr] gap-x-4 pb-1 font-medium text-slate-600 sm:grid">
        <span>Node</span>
        <span>CPU requested / allocatable</span>
        <span>Memory requested / allocatable</span>
      </div>
      <ul className="divide-y divide-slate-100 sm:divide-y-0">
        {rows.map((r) => (
          <li
            key={r.name}
            title={`${r.name}: CPU ${percent(r.cpu)}, memory ${percent(r.mem)} requested`}
            className="grid gap-x-4 gap-y-1 py-1.5 sm:grid-cols-[minmax(8rem,14rem)_1fr_1fr] sm:items-center sm:py-1"
          >
            <span className="truncate font-medium text-slate-800">{r.name}</span>
            <Meter what="CPU" value={r.cpu} used={r.usedCpu} />
            <Meter what="Memory" value={r.mem} used={r.usedMem} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function Meter({ what, value, used }: { what: string; value: number; used?: number | null }) {
  const w = (v: number) => Math.min(100, Math.max(0, v * 100));
  return (
    <span className="flex items-center gap-2">
      <span className="w-14 shrink-0 text-slate-600 sm:hidden">{what}</span>
      <svg aria-hidden viewBox="0 0 100 10" preserveAspectRatio="none" className="h-2.5 min-w-0 flex-1 overflow-hidden rounded">
        <rect width="100" height="10" className="fill-slate-200" />
        <rect width={w(value)} height="10" className={value > 1 ? "fill-red-500" : "fill-indigo-500"} />
        {used != null ? <rect y="7" width={w(used)} height="3" className="fill-teal-700" /> : null}
      </svg>
      <span className="w-10 shrink-0 text-right tabular-nums text-slate-600">{percent(value)}</span>
    </span>
  );
}

export function ChartLegend({ usage }: { usage: boolean }) {
  return (
    <p className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
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
