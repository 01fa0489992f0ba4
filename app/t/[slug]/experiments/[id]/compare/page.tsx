import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import type { CheckOutcome } from "@/lib/checks";
import { getExecutionDetail, getExperiment } from "@/lib/experiments";
import { diffExecutions, PHASES, type CheckDiff, type ExecutionSide } from "@/lib/resilience";
import { formatRunDuration } from "@/lib/runs/run-duration";
import { requireTeamAccess } from "@/lib/tenancy";
import { Badge, Card, EmptyState, PageHeader } from "@/app/_components/ui";
import { formatTime } from "../../../runs/run-format";
import { EXECUTION_LABELS, EXECUTION_TONES, OUTCOME_TONES } from "../../format";

export const metadata = { title: "Compare executions" };

const query = z.object({ a: z.string().min(1).max(64), b: z.string().min(1).max(64) });

const signed = (n: number, unit = "") => `${n > 0 ? "+" : n < 0 ? "−" : "±"}${Math.abs(n)}${unit}`;
const durationText = (ms: number | null) => (ms === null ? "—" : formatRunDuration(ms));
const DIRECTION: Record<CheckDiff["direction"], { text: string; tone: "green" | "red" | "amber" | "slate" }> = {
  better: { text: "better", tone: "green" },
  worse: { text: "worse", tone: "red" },
  mixed: { text: "mixed", tone: "amber" },
  none: { text: "", tone: "slate" },
};
const STATUS_TEXT: Record<CheckDiff["status"], string> = { same: "unchanged", changed: "changed", added: "only in the newer", removed: "only in the older" };

function Outcome({ o }: { o: CheckOutcome | null }) {
  return o ? <Badge tone={OUTCOME_TONES[o]}>{o}</Badge> : <span className="text-slate-400">—</span>;
}

/** The difference between two executions of an experiment: checks whose outcome moved, score, duration, version. */
export default async function ComparePage({ params, searchParams }: { params: Promise<{ slug: string; id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { slug, id } = await params;
  const ctx = await requireTeamAccess(slug, "runs:read");
  const experiment = await getExperiment(ctx, id);
  if (!experiment || experiment.id !== id) notFound();
  const base = `/t/${ctx.team.slug}/experiments/${id}`;
  const q = query.safeParse(await searchParams);
  if (!q.success || q.data.a === q.data.b) {
    return (
      <>
        <PageHeader title="Compare executions" />
        <EmptyState title="Pick two executions" action={<Link href={base} className="text-brand-700 hover:underline">Back to the experiment</Link>}>
          Tick two executions in the experiment&apos;s history and press Compare.
        </EmptyState>
      </>
    );
  }
  const [a, b] = await Promise.all([getExecutionDetail(ctx.team.id, q.data.a), getExecutionDetail(ctx.team.id, q.data.b)]);
  if (!a || !b || a.experiment.id !== id || b.experiment.id !== id) notFound();
  const d = diffExecutions(a, b);
  const changed = d.checks.filter((c) => c.status !== "same");
  const side = (s: ExecutionSide, label: string) => (
    <div className="min-w-0 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid={`side-${label}`}>
      <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</p>
      <p className="mt-1">
        <Link href={`${base}/executions/${s.id}`} className="text-brand-700 hover:underline">
          {formatTime(s.queuedAt)}
        </Link>
      </p>
      <div className="mt-2 flex flex-wrap items-center gap-2 text-sm">
        <Badge tone={EXECUTION_TONES[s.state]}>{EXECUTION_LABELS[s.state]}</Badge>
        <span>score {s.score ?? "—"}</span>
        <span className="text-slate-500">· v{s.version}</span>
        <span className="text-slate-500">· took {durationText(s.durationMs)}</span>
      </div>
    </div>
  );
  return (
    <>
      <PageHeader
        title={`${a.experiment.name}: two executions compared`}
        description={
          <Link href={base} className="text-brand-700 hover:underline">
            the experiment
          </Link>
        }
      />
      <div className="space-y-4">
        <div className="grid gap-3 sm:grid-cols-2">
          {side(d.from, "older")}
          {side(d.to, "newer")}
        </div>
        <Card title="What changed">
          <ul className="space-y-1 text-sm" data-testid="diff-summary">
            <li>
              Verdict: {d.verdictChanged ? `${EXECUTION_LABELS[d.from.state]} → ${EXECUTION_LABELS[d.to.state]}` : `${EXECUTION_LABELS[d.to.state]} both times`}
            </li>
            <li>Score: {d.scoreChange === null ? "not comparable (one has no score)" : `${d.from.score} → ${d.to.score} (${signed(d.scoreChange)})`}</li>
            <li>Duration: {d.durationChangeMs === null ? "not comparable" : `${durationText(d.from.durationMs)} → ${durationText(d.to.durationMs)} (${d.durationChangeMs >= 0 ? "+" : "−"}${formatRunDuration(Math.abs(d.durationChangeMs))})`}</li>
            <li>
              Version: {d.from.version === d.to.version ? `both ran version ${d.to.version}` : `version ${d.from.version} → ${d.to.version}`}
              {d.versionChanges.length > 0 ? (
                <ul className="ml-5 mt-1 list-disc text-slate-600" data-testid="version-changes">
                  {d.versionChanges.map((c) => (
                    <li key={c}>{c}</li>
                  ))}
                </ul>
              ) : null}
            </li>
            <li>Checks: {changed.length === 0 ? "every check had the same outcomes" : `${changed.length} of ${d.checks.length} changed`}</li>
          </ul>
        </Card>
        <section aria-label="Checks compared" className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className="px-3 py-2.5 text-left font-medium text-slate-600">
                  Check
                </th>
                {PHASES.map((p) => (
                  <th key={p} scope="col" className="px-3 py-2.5 text-left font-medium capitalize text-slate-600">
                    {p}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {d.checks.map((c) => (
                <tr key={c.name} data-testid="check-diff" data-status={c.status} className={c.status === "same" ? undefined : "bg-amber-50/40"}>
                  <td className="px-3 py-2.5 align-top">
                    <p className="font-medium">{c.name}</p>
                    <p className="text-xs text-slate-500">
                      {STATUS_TEXT[c.status]}
                      {DIRECTION[c.direction].text ? (
                        <>
                          {" · "}
                          <Badge tone={DIRECTION[c.direction].tone}>{DIRECTION[c.direction].text}</Badge>
                        </>
                      ) : null}
                    </p>
                  </td>
                  {PHASES.map((p) => (
                    <td key={p} className="whitespace-nowrap px-3 py-2.5 align-top">
                      <span className={c.phases[p].changed ? "font-semibold" : undefined}>
                        <Outcome o={c.phases[p].from} /> <span aria-hidden className="text-slate-400">→</span>
                        <span className="sr-only">then</span> <Outcome o={c.phases[p].to} />
                      </span>
                      {p === "during" && (c.duringPassShare.from !== null || c.duringPassShare.to !== null) ? (
                        <p className="mt-1 text-xs text-slate-500">
                          passed {c.duringPassShare.from === null ? "—" : `${Math.round(c.duringPassShare.from * 100)} %`} → {c.duringPassShare.to === null ? "—" : `${Math.round(c.duringPassShare.to * 100)} %`}
                        </p>
                      ) : null}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
    </>
  );
}
