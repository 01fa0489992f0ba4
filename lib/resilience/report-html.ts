import { formatRunDuration } from "@/lib/runs/run-duration";
import type { ExecutionState } from "@/lib/db";
import type { Report } from "./report";
import { VERDICT_COLORS } from "./verdict-colors";

// The printable report: one self-contained HTML document (inline styles, an inline SVG chart,
// no script, nothing fetched), so the page people print and the PDF Chromium makes from it are
// the same bytes, and Chromium needs no network to draw it.

const esc = (s: unknown) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const when = (iso: string | null) => (iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "—");
const took = (ms: number | null) => (ms === null ? "—" : formatRunDuration(ms));
const verdictCell = (state: ExecutionState, verdict: string | null) =>
  `<span class="v" style="--c:${VERDICT_COLORS[state]}">${esc(verdict ?? "in progress")}</span>`;

/** Score over time as a small SVG: one dot per execution in its verdict's colour, a line through the scores. */
export function scoreTrendSvg(rows: Report["executions"], width = 720, height = 160): string {
  const points = rows.filter((r) => r.score !== null).map((r) => ({ t: Date.parse(r.queuedAt), s: r.score!, state: r.state })).sort((a, b) => a.t - b.t);
  if (points.length === 0) return `<p class="muted">No execution in this range has a score.</p>`;
  const pad = { l: 34, r: 10, t: 10, b: 22 };
  const t0 = points[0]!.t;
  const t1 = points.at(-1)!.t;
  const x = (t: number) => pad.l + (t1 === t0 ? (width - pad.l - pad.r) / 2 : ((t - t0) / (t1 - t0)) * (width - pad.l - pad.r));
  const y = (s: number) => pad.t + (1 - s / 100) * (height - pad.t - pad.b);
  const grid = [0, 50, 100].map((s) => `<line x1="${pad.l}" x2="${width - pad.r}" y1="${y(s)}" y2="${y(s)}" class="grid"/><text x="${pad.l - 6}" y="${y(s) + 4}" text-anchor="end" class="axis">${s}</text>`).join("");
  const line = points.map((p, i) => `${i ? "L" : "M"}${x(p.t).toFixed(1)},${y(p.s).toFixed(1)}`).join(" ");
  const dots = points.map((p) => `<circle cx="${x(p.t).toFixed(1)}" cy="${y(p.s).toFixed(1)}" r="3.5" fill="${VERDICT_COLORS[p.state]}"/>`).join("");
  const labels = `<text x="${pad.l}" y="${height - 6}" class="axis">${esc(new Date(t0).toISOString().slice(0, 10))}</text><text x="${width - pad.r}" y="${height - 6}" text-anchor="end" class="axis">${esc(new Date(t1).toISOString().slice(0, 10))}</text>`;
  const states = [...new Set(points.map((p) => p.state))];
  const legend = `<p class="legend">${states.map((s) => `<span><i style="background:${VERDICT_COLORS[s]}"></i>${esc(s.toLowerCase().replace("_", " "))}</span>`).join("")}</p>`;
  return `<svg viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="Score over time: ${points.length} executions">${grid}<path d="${line}" class="trend"/>${dots}${labels}</svg>${legend}`;
}

const STYLE = `
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#0f172a;background:#fff;margin:0}
main{max-width:60rem;margin:0 auto;padding:2rem 1.25rem}
h1{font-size:1.5rem;margin:0 0 .25rem}
h2{font-size:1rem;margin:1.75rem 0 .5rem;border-bottom:1px solid #e2e8f0;padding-bottom:.25rem}
.muted{color:#64748b}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.75rem;margin-top:1rem}
.stat{border:1px solid #e2e8f0;border-radius:.5rem;padding:.5rem .75rem}
.stat b{display:block;font-size:1.15rem;overflow-wrap:anywhere}
table{width:100%;border-collapse:collapse;font-size:13px}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e2e8f0;vertical-align:top}
th{font-weight:600;color:#475569;background:#f8fafc}
.wrap{overflow-x:auto}
.v{display:inline-block;padding:0 .45rem;border-radius:999px;font-size:12px;font-weight:600;color:#fff;background:var(--c)}
.o-pass{color:#15803d}.o-fail{color:#b91c1c}.o-error{color:#b45309}
svg .grid{stroke:#e2e8f0}svg .axis{font-size:11px;fill:#64748b}svg .trend{fill:none;stroke:#2563eb;stroke-width:1.5}
.legend{display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:.25rem 0 0;font-size:12px;color:#64748b}.legend i{display:inline-block;width:.6rem;height:.6rem;border-radius:999px;margin-right:.3rem}
footer{margin-top:2rem;font-size:12px;color:#64748b}
@media (prefers-color-scheme:dark){@media screen{
body{background:#0b1220;color:#e2e8f0}th{background:#111a2e;color:#cbd5e1}th,td,h2,.stat{border-color:#1e293b}
.muted,footer{color:#94a3b8}.o-pass{color:#4ade80}.o-fail{color:#f87171}.o-error{color:#fbbf24}svg .grid{stroke:#1e293b}svg .axis{fill:#94a3b8}
}}
@media print{
@page{size:A4;margin:14mm 12mm}
main{max-width:none;padding:0}
body{-webkit-print-color-adjust:exact;print-color-adjust:exact}
h2{break-after:avoid}
tr,.stat,svg{break-inside:avoid}
.wrap{overflow:visible}
}
`;

function executionSection(x: NonNullable<Report["execution"]>): string {
  const outcomeCell = (o: string | null) => (o ? `<span class="o-${esc(o)}">${esc(o)}</span>` : `<span class="muted">—</span>`);
  const checks = x.checks
    .map((c) => `<tr><td>${esc(c.name)}${c.tripped ? ' <span class="o-fail">(tripped)</span>' : ""}</td><td>${esc(c.type)}, ${esc(c.mode)}</td><td>${outcomeCell(c.outcome.before)}</td><td>${outcomeCell(c.outcome.during)}</td><td>${outcomeCell(c.outcome.after)}</td><td>${c.evaluations - c.failures} of ${c.evaluations}</td><td>${esc(c.last ?? "—")}</td></tr>`)
    .join("");
  const faults = x.stages
    .flatMap((s, i) => s.faults.map((f) => `<tr><td>${i + 1}. ${esc(s.name)}</td><td>${esc(f.name)}</td><td>${esc(f.state?.toLowerCase().replace("_", " ") ?? "not started")}</td><td>${esc(f.summary ?? "")}</td></tr>`))
    .join("");
  return `
<h2>Verdict</h2>
<p>${verdictCell(x.state, x.verdict)} ${x.score !== null ? `Resilience score <b>${x.score}</b> / 100` : ""}</p>
${x.reason ? `<p>${esc(x.reason)}</p>` : ""}
<div class="stats">
<div class="stat"><span class="muted">Version</span><b>${x.version}</b></div>
<div class="stat"><span class="muted">Cluster</span><b>${esc(x.cluster.name)}</b></div>
<div class="stat"><span class="muted">Started</span><b>${esc(when(x.startedAt ?? x.queuedAt))}</b></div>
<div class="stat"><span class="muted">Took</span><b>${esc(took(x.durationMs))}</b></div>
</div>
<h2>Checks</h2>
<div class="wrap"><table><thead><tr><th>Check</th><th>Kind</th><th>Before</th><th>During</th><th>After</th><th>Passed</th><th>Last observed</th></tr></thead><tbody>${checks || '<tr><td colspan="7" class="muted">No checks.</td></tr>'}</tbody></table></div>
<h2>Stages and faults</h2>
<div class="wrap"><table><thead><tr><th>Stage</th><th>Fault</th><th>Run</th><th>Note</th></tr></thead><tbody>${faults}</tbody></table></div>`;
}

function rangeSection(r: Report): string {
  const counts = Object.entries(r.summary.byVerdict)
    .map(([k, n]) => `${esc(k)}: ${n}`)
    .join(" · ");
  const rows = r.executions
    .map((x) => `<tr><td>${esc(when(x.queuedAt))}</td><td>${esc(x.experiment.name)}</td><td>v${x.version}</td><td>${verdictCell(x.state, x.verdict)}</td><td>${x.score ?? "—"}</td><td>${esc(took(x.durationMs))}</td></tr>`)
    .join("");
  return `
<div class="stats">
<div class="stat"><span class="muted">Executions</span><b>${r.summary.executions}</b></div>
<div class="stat"><span class="muted">Mean score</span><b>${r.summary.meanScore ?? "—"}</b></div>
<div class="stat"><span class="muted">Passed</span><b>${r.summary.passRate === null ? "—" : `${Math.round(r.summary.passRate * 100)} %`}</b></div>
</div>
<p class="muted">${counts || "No executions in this range."}</p>
<h2>Score over time</h2>
${scoreTrendSvg(r.executions)}
<h2>Executions</h2>
<div class="wrap"><table><thead><tr><th>Queued</th><th>Experiment</th><th>Version</th><th>Verdict</th><th>Score</th><th>Took</th></tr></thead><tbody>${rows || '<tr><td colspan="6" class="muted">None.</td></tr>'}</tbody></table></div>
${r.truncated ? `<p class="muted">Only the newest ${r.executions.length} executions are listed.</p>` : ""}`;
}

/** The report as a whole HTML document. */
export function renderReportHtml(r: Report): string {
  const title = r.kind === "execution" ? `${r.experiment?.name ?? "Execution"}: execution report` : `${r.experiment ? r.experiment.name : r.team.name}: resilience report`;
  const sub =
    r.kind === "execution" && r.execution
      ? `Execution ${esc(r.execution.id)} · queued ${esc(when(r.execution.queuedAt))}`
      : `Executions queued from ${esc(when(r.range?.from ?? null))} to ${esc(when(r.range?.to ?? null))}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light dark">
<title>${esc(title)}</title><style>${STYLE}</style></head>
<body><main>
<header><h1>${esc(title)}</h1><p class="muted">Team ${esc(r.team.name)} · ${sub}</p></header>
${r.kind === "execution" && r.execution ? executionSection(r.execution) : rangeSection(r)}
<footer>Made by Pystol at ${esc(when(r.generatedAt))} · report format ${esc(r.schema)}</footer>
</main></body></html>`;
}
