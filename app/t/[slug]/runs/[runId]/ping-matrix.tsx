import { z } from "zod";

// The ping test's result as a heat map: a row per probing node, a column per node or host
// probed; each cell says whether the target answered and how fast, its colour by latency.

const cellSchema = z.object({ reachable: z.boolean(), loss: z.number(), rttMs: z.number().nullable() }).nullable();

export const pingResultSchema = z.object({
  matrix: z.object({
    rows: z.array(z.string()),
    columns: z.array(z.string()),
    cells: z.record(z.string(), z.record(z.string(), cellSchema)),
  }),
  unreachable: z.number().optional(),
});
type PingResult = z.infer<typeof pingResultSchema>;
type Cell = z.infer<typeof cellSchema>;

// Latency bands of the colour scale (ms), from a quiet green to a loud orange.
const BANDS: Array<{ upTo: number; label: string; cls: string }> = [
  { upTo: 1, label: "≤ 1 ms", cls: "bg-emerald-100 text-emerald-900" },
  { upTo: 10, label: "≤ 10 ms", cls: "bg-lime-100 text-lime-900" },
  { upTo: 50, label: "≤ 50 ms", cls: "bg-amber-100 text-amber-900" },
  { upTo: Infinity, label: "> 50 ms", cls: "bg-orange-200 text-orange-950" },
];
const UNREACHABLE = "bg-red-600 text-white";

const ms = (v: number) => (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0));

function describeCell(from: string, to: string, c: Cell): string {
  if (!c) return `${from} to ${to}: not probed`;
  if (!c.reachable) return `${from} to ${to}: unreachable`;
  const loss = c.loss > 0 ? `, ${Math.round(c.loss * 100)} % lost` : "";
  return `${from} to ${to}: reachable${c.rttMs !== null ? `, ${ms(c.rttMs)} ms` : ""}${loss}`;
}

function CellView({ from, to, c }: { from: string; to: string; c: Cell }) {
  const label = describeCell(from, to, c);
  if (!c) return <td className="border border-white bg-slate-50 px-2 py-1.5 text-center text-slate-400" title={label} aria-label={label}>—</td>;
  const cls = !c.reachable ? UNREACHABLE : (BANDS.find((b) => (c.rttMs ?? 0) <= b.upTo) ?? BANDS[BANDS.length - 1]!).cls;
  return (
    <td className={`border border-white px-2 py-1.5 text-center font-mono text-xs ${cls}`} title={label} aria-label={label}>
      {!c.reachable ? "✕" : c.rttMs !== null ? ms(c.rttMs) : "ok"}
      {c.reachable && c.loss > 0 ? <span className="block text-[10px]">{Math.round(c.loss * 100)} % lost</span> : null}
    </td>
  );
}

/** The reachability and latency matrix with a one-line summary and a legend. */
export function PingMatrix({ result }: { result: PingResult }) {
  const { rows, columns, cells } = result.matrix;
  const all = rows.flatMap((r) => columns.map((c) => ({ from: r, to: c, cell: cells[r]?.[c] ?? null }))).filter((x) => x.cell);
  const reachable = all.filter((x) => x.cell!.reachable);
  const slowest = reachable.filter((x) => x.cell!.rttMs !== null).sort((a, b) => b.cell!.rttMs! - a.cell!.rttMs!)[0];
  return (
    <div className="space-y-3" data-testid="ping-matrix">
      <p className="text-sm">
        <span className="font-medium">
          {reachable.length} of {all.length} pair{all.length === 1 ? "" : "s"} reachable
        </span>
        {slowest ? ` · slowest ${slowest.from} → ${slowest.to}, ${ms(slowest.cell!.rttMs!)} ms` : null}
        {all.length - reachable.length > 0 ? <span className="text-red-700"> · {all.length - reachable.length} unreachable</span> : null}
      </p>
      <div className="overflow-x-auto">
        <table className="border-collapse text-sm" aria-label="Ping matrix: rows probe, columns are probed">
          <thead>
            <tr>
              <th scope="col" className="px-2 py-1 text-left text-xs font-medium text-slate-500">
                from ↓ to →
              </th>
              {columns.map((c) => (
                <th key={c} scope="col" className="max-w-[8rem] px-2 py-1 text-center font-mono text-xs font-medium text-slate-600">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r}>
                <th scope="row" className="whitespace-nowrap px-2 py-1 text-left font-mono text-xs font-medium text-slate-600">
                  {r}
                </th>
                {columns.map((c) => (
                  <CellView key={c} from={r} to={c} c={cells[r]?.[c] ?? null} />
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul className="flex flex-wrap gap-3 text-xs text-slate-600" aria-label="Legend">
        {BANDS.map((b) => (
          <li key={b.label} className="flex items-center gap-1">
            <span className={`inline-block h-3 w-5 rounded-sm ${b.cls}`} /> {b.label}
          </li>
        ))}
        <li className="flex items-center gap-1">
          <span className={`inline-block h-3 w-5 rounded-sm ${UNREACHABLE}`} /> unreachable
        </li>
        <li>Round-trip times are means over the rounds that answered.</li>
      </ul>
    </div>
  );
}
