import Link from "next/link";
import { Suspense } from "react";
import { teamCoverage, teamResilience, TREND_DAYS, VERDICT_COLORS } from "@/lib/resilience";
import { requireTeamAccess } from "@/lib/tenancy";
import type { TeamContext } from "@/lib/tenancy";
import { plural } from "@/lib/text";
import { Badge, ButtonLink, Card, EmptyState, PageHeader, Stat } from "@/app/_components/ui";
import { formatTime } from "../runs/run-format";
import { EXECUTION_LABELS } from "../experiments/format";
import { ScoreTrendChart } from "./score-trend-chart";

export const metadata = { title: "Resilience" };

/** The team's resilience: experiments by last verdict, the score over time, and which workloads the experiments cover. */
export default async function ResiliencePage({ params }: { params: Promise<{ slug: string }> }) {
  const ctx = await requireTeamAccess((await params).slug, "runs:read");
  const base = `/t/${ctx.team.slug}`;
  const r = await teamResilience(ctx);
  const all = r.byLastVerdict.flatMap((g) => g.experiments);
  const count = (state: string) => r.byLastVerdict.find((g) => g.state === state)?.experiments.length ?? 0;
  return (
    <>
      <PageHeader
        title="Resilience"
        description="How the team's experiments fare over time, and which services they exercise."
        actions={<ButtonLink href={`${base}/reports`} variant="secondary">Report</ButtonLink>}
      />
      <div className="space-y-6">
        <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
          <Stat label="Experiments" value={all.length} />
          <Stat label="Passing" value={count("PASSED")} hint="last execution passed" />
          <Stat label="Failing" value={count("FAILED") + count("ERROR")} hint="last execution failed or erred" />
          <Stat label="Mean score" value={r.daily.length ? Math.round(r.trend.reduce((n, p) => n + p.score, 0) / r.trend.length) : "—"} hint={`last ${TREND_DAYS} days`} />
        </div>

        <Card title={`Score over the last ${TREND_DAYS} days`}>
          {r.trend.length === 0 ? (
            <p className="text-sm text-slate-600">No execution has finished with a score in this period yet.</p>
          ) : (
            <>
              <ScoreTrendChart points={r.trend} daily={r.daily} slug={ctx.team.slug} />
              <p className="mt-1 text-xs text-slate-500">Each dot is an execution in its verdict&apos;s colour; the line is the mean per day.</p>
            </>
          )}
        </Card>

        <section aria-label="Experiments by last verdict" className="space-y-2">
          <h2 className="text-sm font-semibold text-slate-700">Experiments by last verdict</h2>
          {all.length === 0 ? (
            <EmptyState title="No experiments yet" action={<ButtonLink href={`${base}/experiments`}>Experiments</ButtonLink>}>
              Write an experiment to see its verdicts here.
            </EmptyState>
          ) : (
            <div className="grid grid-cols-1 gap-3 md:grid-cols-2">
              {r.byLastVerdict.map((g) => (
                <div key={g.state} className="min-w-0 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid={`verdict-group-${g.state.toLowerCase()}`}>
                  <div className="mb-2 flex items-center gap-2">
                    <span aria-hidden className="inline-block h-2.5 w-2.5 rounded-full" style={{ background: g.state === "NEVER" ? "#94a3b8" : VERDICT_COLORS[g.state] }} />
                    <h3 className="text-sm font-semibold">{g.state === "NEVER" ? "never run" : EXECUTION_LABELS[g.state]}</h3>
                    <span className="text-xs text-slate-500">{plural(g.experiments.length, "experiment")}</span>
                  </div>
                  <ul className="space-y-1.5 text-sm">
                    {g.experiments.map((x) => (
                      <li key={x.id} className="flex flex-wrap items-baseline justify-between gap-x-3">
                        <Link href={`${base}/experiments/${x.id}`} className="min-w-0 truncate text-brand-700 hover:underline">
                          {x.name}
                        </Link>
                        <span className="text-xs text-slate-500">
                          {x.lastExecution ? (
                            <Link href={`${base}/experiments/${x.id}/executions/${x.lastExecution.id}`} className="hover:underline">
                              {x.lastExecution.score !== null ? `score ${x.lastExecution.score} · ` : ""}
                              {formatTime(x.lastExecution.queuedAt)}
                            </Link>
                          ) : (
                            x.cluster.name
                          )}
                        </span>
                      </li>
                    ))}
                  </ul>
                </div>
              ))}
            </div>
          )}
        </section>

        <Suspense fallback={<Card title="Services covered"><p className="text-sm text-slate-500">Reading the clusters&apos; workloads…</p></Card>}>
          <Coverage ctx={ctx} />
        </Suspense>
      </div>
    </>
  );
}

async function Coverage({ ctx }: { ctx: TeamContext }) {
  const clusters = await teamCoverage(ctx);
  const base = `/t/${ctx.team.slug}`;
  if (clusters.length === 0) {
    return (
      <Card title="Services covered">
        <p className="text-sm text-slate-600">
          No cluster yet: <Link href={`${base}/clusters`} className="text-brand-700 hover:underline">connect one</Link> to see which of its workloads your experiments exercise.
        </p>
      </Card>
    );
  }
  return (
    <section aria-label="Services covered" className="space-y-3">
      <div>
        <h2 className="text-sm font-semibold text-slate-700">Services covered</h2>
        <p className="text-xs text-slate-500">A workload is covered when a fault of an experiment on its cluster selects it, or a check watches it (directly, by its pods&apos; labels, or through its service). System namespaces are left out.</p>
      </div>
      {clusters.map((c) => (
        <Card key={c.clusterId}>
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h3 className="text-sm font-semibold">
              <Link href={`${base}/clusters/${c.clusterId}`} className="text-brand-700 hover:underline">
                {c.clusterName}
              </Link>
            </h3>
            {c.coverage ? (
              <span className="text-sm" data-testid="coverage-total">
                {c.coverage.covered} of {plural(c.coverage.total, "workload")} covered
              </span>
            ) : null}
          </div>
          {c.error ? <p className="mt-2 text-sm text-amber-700">{c.error}</p> : null}
          {c.coverage ? (
            <div className="mt-3 space-y-4">
              {c.coverage.total > 0 ? (
                <div className="h-2 overflow-hidden rounded-full bg-slate-100" role="meter" aria-label="Workloads covered" aria-valuemin={0} aria-valuemax={c.coverage.total} aria-valuenow={c.coverage.covered}>
                  <div className="h-full bg-emerald-500" style={{ width: `${(c.coverage.covered / c.coverage.total) * 100}%` }} />
                </div>
              ) : null}
              <div className="grid gap-4 lg:grid-cols-2">
                <div className="min-w-0">
                  <h4 className="mb-1 text-xs font-medium uppercase tracking-wide text-slate-500">Not covered</h4>
                  <ul className="space-y-1 text-sm" data-testid="not-covered">
                    {c.coverage.workloads.filter((w) => w.coveredBy.length === 0).map((w) => (
                      <li key={`${w.namespace}/${w.kind}/${w.name}`} className="break-words">
                        <span className="text-slate-500">{w.namespace}/</span>
                        {w.name} <span className="text-xs text-slate-500">{w.kind}</span>
                      </li>
                    ))}
                    {c.coverage.covered === c.coverage.total ? <li className="text-slate-500">Every workload is covered.</li> : null}
                  </ul>
                </div>
                <div className="min-w-0">
                  <h4 className="mb-1 text-xs font-medium uppercase tracking-wide text-slate-500">Covered</h4>
                  <ul className="space-y-1 text-sm" data-testid="covered">
                    {c.coverage.workloads.filter((w) => w.coveredBy.length > 0).map((w) => (
                      <li key={`${w.namespace}/${w.kind}/${w.name}`} className="break-words">
                        <span className="text-slate-500">{w.namespace}/</span>
                        {w.name} <span className="text-xs text-slate-500">{w.kind}</span>
                        <span className="block text-xs text-slate-500">
                          {[...new Map(w.coveredBy.map((b) => [b.experimentId, b])).values()].map((b, i) => (
                            <span key={b.experimentId}>
                              {i > 0 ? ", " : ""}
                              <Link href={`${base}/experiments/${b.experimentId}`} className="text-brand-700 hover:underline">
                                {b.experimentName}
                              </Link>{" "}
                              ({w.coveredBy.filter((x) => x.experimentId === b.experimentId).map((x) => x.via).join("; ")})
                            </span>
                          ))}
                        </span>
                      </li>
                    ))}
                    {c.coverage.covered === 0 ? <li className="text-slate-500">No experiment reaches a workload of this cluster yet.</li> : null}
                  </ul>
                </div>
              </div>
              {c.coverage.namespaces.length > 1 ? (
                <div className="flex flex-wrap gap-2" aria-label="Namespaces">
                  {c.coverage.namespaces.map((n) => (
                    <Badge key={n.namespace} tone={n.covered === n.workloads ? "green" : n.covered > 0 ? "amber" : "slate"}>
                      {n.namespace}: {n.covered}/{n.workloads}
                    </Badge>
                  ))}
                </div>
              ) : null}
            </div>
          ) : null}
        </Card>
      ))}
    </section>
  );
}
