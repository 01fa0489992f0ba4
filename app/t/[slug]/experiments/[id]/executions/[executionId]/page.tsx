import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { getExecutionDetail, isVerdict, type ExecutionDetail } from "@/lib/experiments";
import { roleAllows } from "@/lib/rbac/permissions";
import { previousExecutionId } from "@/lib/resilience";
import { requireTeamAccess } from "@/lib/tenancy";
import { Badge, Card, PageHeader } from "@/app/_components/ui";
import { RunDuration } from "@/app/_components/run-duration";
import { ConfirmButton } from "../../../../runs/confirm-button";
import { FollowRunChanges } from "../../../../runs/follow-run-changes";
import { formatTime, STATE_LABELS, STATE_TONES } from "../../../../runs/run-format";
import { abortExecutionAction } from "../../../actions";

import { EXECUTION_LABELS, EXECUTION_TONES, OUTCOME_TONES, verdictText } from "../../../format";
import { modeText } from "../../definition-summary";
import { SharePanel } from "../../../../runs/[runId]/_share/share-panel";
import { CheckChart } from "./check-chart";
import { FollowExecution } from "./follow-execution";

export const metadata = { title: "Execution" };

type Params = Promise<{ slug: string; id: string; executionId: string }>;

export default async function ExecutionPage({ params }: { params: Params }) {
  const { slug, id, executionId } = await params;
  const ctx = await requireTeamAccess(slug, "runs:read");
  const x = await getExecutionDetail(ctx.team.id, executionId);
  if (!x || x.experiment.id !== id) notFound();
  const base = `/t/${ctx.team.slug}`;
  const running = !isVerdict(x.state);
  const drawnAt = new Date().getTime();
  const previous = await previousExecutionId(ctx, { id: x.id, experimentId: x.experiment.id, queuedAt: x.queuedAt });

  return (
    <>
      {running ? <FollowExecution eventsUrl={`/api/v1/t/${ctx.team.slug}/executions/${x.id}/events`} /> : null}
      {running ? <FollowRunChanges slug={ctx.team.slug} since={new Date(drawnAt).toISOString()} /> : null}
      <PageHeader
        title={`${x.experiment.name}: execution`}
        description={
          <>
            Version {x.version} on <span className="font-medium">{x.cluster.name}</span> · started by {x.createdBy?.name ?? "—"} ·{" "}
            <Link href={`${base}/experiments/${x.experiment.id}`} className="text-brand-700 hover:underline">
              the experiment
            </Link>
            {previous ? (
              <>
                {" · "}
                <Link href={`${base}/experiments/${x.experiment.id}/compare?a=${previous}&b=${x.id}`} className="text-brand-700 hover:underline">
                  compare with previous
                </Link>
              </>
            ) : null}
            {" · "}
            <Link href={`${base}/reports?execution=${x.id}`} className="text-brand-700 hover:underline">
              report
            </Link>
          </>
        }
        actions={
          running && roleAllows(ctx.role, "runs:abort") ? (
            <ConfirmButton
              label="Abort"
              question="Stop this experiment, and abort and roll back every active fault?"
              confirmLabel="Abort experiment"
              fields={{ slug: ctx.team.slug, experimentId: x.experiment.id, executionId: x.id }}
              action={abortExecutionAction}
            />
          ) : null
        }
      />
      <div className="grid gap-4 lg:grid-cols-[1fr_18rem]">
        <div className="min-w-0 space-y-4">
          <Verdict x={x} />
          <Timeline x={x} base={base} />
          <Card title="Checks">
            <div className="space-y-6">
              {x.checks.map((c) => (
                <section key={c.index} aria-label={`Check ${c.name}`} className="min-w-0">
                  <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
                    <h3 className="text-sm font-semibold">{c.name}</h3>
                    <span className="text-xs text-slate-500">
                      {c.type}, {x.definition.checks[c.index] ? modeText(x.definition.checks[c.index]!) : c.mode}
                    </span>
                    {c.tripped ? <Badge tone="red">tripped</Badge> : null}
                    {(["before", "during", "after"] as const).map((phase) =>
                      c.outcome[phase] ? (
                        <Badge key={phase} tone={OUTCOME_TONES[c.outcome[phase]]}>
                          {phase}: {c.outcome[phase]}
                        </Badge>
                      ) : null,
                    )}
                  </div>
                  {c.samples.length === 0 ? (
                    <p className="mt-2 text-sm text-slate-500">{running ? "No value yet." : c.mode === "during" ? "Not evaluated: the faults ended before its first interval." : "It was not evaluated."}</p>
                  ) : (
                    <>
                      <CheckChart
                        name={c.name}
                        threshold={c.threshold}
                        trippedAt={c.tripped && x.trippedBy?.checkIndex === c.index ? x.trippedBy.at.getTime() : null}
                        faults={x.startedAt && c.samples.some((s) => s.phase === "during") ? { from: firstFaultAt(x) ?? x.startedAt.getTime(), to: x.faultsEndedAt?.getTime() ?? null } : null}
                        samples={c.samples.map((s) => ({ at: s.at.getTime(), value: s.value, outcome: s.outcome, phase: s.phase, observed: s.observed }))}
                        span={{ from: (x.startedAt ?? x.queuedAt).getTime(), to: x.finishedAt?.getTime() ?? null }}
                      />
                      <p className="text-xs text-slate-600">Last: {c.samples.at(-1)!.observed}</p>
                    </>
                  )}
                </section>
              ))}
            </div>
          </Card>
        </div>
        <aside className="space-y-4">
          <Card title="Details">
            <dl className="space-y-2 text-sm">
              <Detail label="Queued" value={formatTime(x.queuedAt)} />
              <Detail label="Started" value={formatTime(x.startedAt)} />
              <Detail label="Faults ended" value={formatTime(x.faultsEndedAt)} />
              <Detail label="Finished" value={formatTime(x.finishedAt)} />
              <Detail label="Took" value={<RunDuration startedAt={x.startedAt?.toISOString() ?? null} finishedAt={x.finishedAt?.toISOString() ?? null} drawnAt={drawnAt} />} />
              {x.abortedBy ? <Detail label="Aborted by" value={x.abortedBy.name} /> : null}
              <Detail label="Execution id" value={<span className="break-all font-mono text-xs">{x.id}</span>} />
            </dl>
          </Card>
          <SharePanel ctx={ctx} subject={{ kind: "execution", id: x.id }} />
        </aside>
      </div>
    </>
  );
}

const firstFaultAt = (x: ExecutionDetail) => x.stages.flatMap((s) => s.faults).map((f) => f.startedAt?.getTime()).filter((t): t is number => t !== undefined).sort((a, b) => a - b)[0];

function Verdict({ x }: { x: ExecutionDetail }) {
  const done = isVerdict(x.state);
  const stage = x.stageIndex !== null ? x.stages[x.stageIndex] : undefined;
  const stagesDone = x.stages.filter((s) => s.endedAt).length;
  return (
    <Card>
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2" data-testid="verdict">
        <Badge tone={EXECUTION_TONES[x.state]}>{done ? verdictText(x.state, x.trippedBy) : EXECUTION_LABELS[x.state]}</Badge>
        {x.score !== null ? (
          <span className="text-sm">
            Resilience score <span className="text-lg font-semibold">{x.score}</span>
            <span className="text-slate-500"> / 100</span>
          </span>
        ) : null}
      </div>
      {x.reason ? <p className="mt-2 text-sm text-slate-700">{x.reason}</p> : null}
      {!done ? (
        <div className="mt-3 space-y-1" data-testid="progress">
          <div className="h-2 overflow-hidden rounded-full bg-slate-100" role="progressbar" aria-label="Stages done" aria-valuemin={0} aria-valuemax={x.stages.length} aria-valuenow={stagesDone}>
            <div className="h-full bg-brand-600 transition-all" style={{ width: `${Math.max(4, (stagesDone / Math.max(1, x.stages.length)) * 100)}%` }} />
          </div>
          <p className="text-xs text-slate-600">
            {stage ? `Stage ${x.stageIndex! + 1} of ${x.stages.length}: ${stage.name}` : `${x.stages.length} stages`} · {EXECUTION_LABELS[x.state]}
          </p>
        </div>
      ) : null}
    </Card>
  );
}

function Timeline({ x, base }: { x: ExecutionDetail; base: string }) {
  return (
    <Card title="Stages and faults">
      <ol className="space-y-3">
        {x.stages.map((s) => (
          <li key={s.index} className="rounded-md border border-slate-200 p-3">
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <p className="text-sm font-medium">
                {s.index + 1}. {s.name}
              </p>
              <p className="text-xs text-slate-500">{s.startedAt ? `${formatTime(s.startedAt)}${s.endedAt ? ` → ${formatTime(s.endedAt).slice(11)}` : " → …"}` : "not reached"}</p>
            </div>
            <ul className="mt-2 space-y-1.5">
              {s.faults.map((f) => (
                <li key={f.index} className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm">
                  {f.runId ? (
                    <Link href={`${base}/runs/${f.runId}`} className="font-medium text-brand-700 hover:underline">
                      {f.name}
                    </Link>
                  ) : (
                    <span className="font-medium">{f.name}</span>
                  )}
                  {f.name !== f.actionTitle ? <span className="text-xs text-slate-500">{f.actionTitle}</span> : null}
                  {f.state ? <Badge tone={STATE_TONES[f.state]}>{STATE_LABELS[f.state]}</Badge> : <Badge>not started</Badge>}
                  {f.summary ? <span className="basis-full text-xs text-slate-600">{f.summary}</span> : null}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </Card>
  );
}

function Detail({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
