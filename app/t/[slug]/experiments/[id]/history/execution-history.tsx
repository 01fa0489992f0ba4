import Link from "next/link";
import type { ExecutionSummary } from "@/lib/experiments";
import { isVerdict } from "@/lib/experiments";
import { VERDICT_COLORS } from "@/lib/resilience/verdict-colors";
import { Badge, EmptyState } from "@/app/_components/ui";
import { RunDuration } from "@/app/_components/run-duration";
import { formatTime } from "../../../runs/run-format";
import { EXECUTION_LABELS, EXECUTION_TONES } from "../../format";
import { ComparePicker } from "./compare-picker";
import { HistoryChart, type HistoryPoint } from "./history-chart";

const VERDICT_KEY = ["PASSED", "FAILED", "ERROR", "STOPPED", "ABORTED", "NOT_STARTED"] as const;

/**
 * An experiment's executions: verdict, score and duration over time as a chart, then the table,
 * where two can be picked and compared. The experiment page places it; it reads nothing itself.
 */
export function ExecutionHistory({ slug, experimentId, executions, canRun, drawnAt }: { slug: string; experimentId: string; executions: ExecutionSummary[]; canRun: boolean; drawnAt: number }) {
  const base = `/t/${slug}/experiments/${experimentId}`;
  if (executions.length === 0) {
    return (
      <section className="space-y-2">
        <h2 className="text-sm font-semibold text-slate-700">Executions</h2>
        <EmptyState title="Not run yet">{canRun ? "Run it to get its verdict and score; the dry run in the editor shows first what it would hit." : "A member of the team can run it."}</EmptyState>
      </section>
    );
  }
  const points: HistoryPoint[] = [...executions].reverse().map((x) => ({
    id: x.id,
    at: x.queuedAt.getTime(),
    state: x.state,
    label: EXECUTION_LABELS[x.state],
    score: x.score,
    seconds: x.startedAt && x.finishedAt ? Math.round((x.finishedAt.getTime() - x.startedAt.getTime()) / 100) / 10 : null,
    version: x.version,
  }));
  const seen = new Set(executions.map((x) => x.state));
  return (
    <section className="space-y-3" aria-label="Execution history">
      <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 className="text-sm font-semibold text-slate-700">History</h2>
          <ul className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-slate-600" aria-label="Verdict colours">
            {VERDICT_KEY.filter((s) => seen.has(s)).map((s) => (
              <li key={s} className="flex items-center gap-1">
                <span aria-hidden className="inline-block h-2.5 w-2.5 rounded-full" style={{ background: VERDICT_COLORS[s] }} />
                {EXECUTION_LABELS[s]}
              </li>
            ))}
            <li className="flex items-center gap-1">
              <span aria-hidden className="inline-block h-2.5 w-3 rounded-sm bg-slate-300" />
              duration
            </li>
          </ul>
        </div>
        <HistoryChart points={points} hrefBase={`${base}/executions`} />
      </div>
      <ComparePicker
        compareHref={`${base}/compare`}
        rows={executions.map((x) => ({
          id: x.id,
          cells: (
            <>
              <td className="min-w-48 px-3 py-2.5 align-top">
                <Link href={`${base}/executions/${x.id}`} className="hover:underline">
                  <Badge tone={EXECUTION_TONES[x.state]}>{EXECUTION_LABELS[x.state]}</Badge>
                </Link>
                {x.reason ? <p className="mt-1 max-w-sm text-xs text-slate-500">{x.reason}</p> : null}
              </td>
              <td className="px-3 py-2.5 align-top">{x.score ?? "—"}</td>
              <td className="px-3 py-2.5 align-top">{x.version}</td>
              <td className="px-3 py-2.5 align-top">{x.createdBy?.name ?? "—"}</td>
              <td className="whitespace-nowrap px-3 py-2.5 align-top">
                <Link href={`${base}/executions/${x.id}`} className="text-brand-700 hover:underline">
                  {formatTime(x.queuedAt)}
                </Link>
              </td>
              <td className="whitespace-nowrap px-3 py-2.5 align-top">
                {isVerdict(x.state) || x.startedAt ? <RunDuration startedAt={x.startedAt?.toISOString() ?? null} finishedAt={x.finishedAt?.toISOString() ?? null} drawnAt={drawnAt} /> : "—"}
              </td>
            </>
          ),
        }))}
      >
        <h2 className="text-sm font-semibold text-slate-700">Executions</h2>
      </ComparePicker>
    </section>
  );
}
