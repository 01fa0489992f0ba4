import Link from "next/link";
import { notFound } from "next/navigation";
import { getAction, type Plan } from "@/lib/actions";
import type { ReactNode } from "react";
import { db, type RunState } from "@/lib/db";
import { roleAllows } from "@/lib/rbac/permissions";
import { abortOf, getRunDetail, isPermanent, type AbortedBy } from "@/lib/runs";
import { RunDuration } from "@/app/_components/run-duration";
import { requireTeamAccess, scoped } from "@/lib/tenancy";
import { Card, PageHeader } from "@/app/_components/ui";
import { PlanView } from "../../run/plan-view";
import { abortRunAction } from "../actions";
import { ConfirmButton } from "../confirm-button";
import { formatTime } from "../run-format";
import { readClusterNow } from "./cluster-now";
import { LiveRun } from "./live-run";
import { ObjectsAffected } from "./objects-affected";
import { RunParams } from "./run-params";
import { RunResult } from "./run-result";
import { SharePanel } from "./_share/share-panel";

export const metadata = { title: "Run" };

type Params = Promise<{ slug: string; runId: string }>;

const asPlan = (v: unknown): Plan | null => (v && typeof v === "object" && Array.isArray((v as Plan).targets) ? (v as Plan) : null);

export default async function RunDetailPage({ params }: { params: Params }) {
  const { slug, runId } = await params;
  const ctx = await requireTeamAccess(slug, "runs:read");
  const run = await getRunDetail(ctx.team.id, runId);
  if (!run) notFound();
  const base = `/t/${ctx.team.slug}`;
  const action = getAction(run.actionId);
  const plan = asPlan(run.plan);
  const [who, clusterRow, abort] = await Promise.all([
    run.createdById ? db.user.findFirst({ where: { id: run.createdById }, select: { name: true } }) : null,
    db.cluster.findFirst({ where: { ...scoped(ctx), id: run.clusterId }, select: { id: true, kind: true, sandboxClusterId: true, sandboxShard: true, updatedAt: true, kubeconfigCiphertext: true } }),
    run.abortRequestedAt ? abortOf(ctx.team.id, run.id) : null,
  ]);
  const targetsHit = run.steps.some((s) => s.target !== null);
  const now = plan && clusterRow && !run.dryRun && targetsHit
    ? await readClusterNow(clusterRow, { actionId: run.actionId, params: run.params, targets: plan.targets, startedAt: run.startedAt })
    : null;
  const lastLog = run.logs.at(-1);
  const pending = !isPermanent(run.state);

  return (
    <>
      <PageHeader
        title={`${action?.title ?? run.actionId}${run.dryRun ? " (dry run)" : ""}`}
        description={
          <>
            On <span className="font-medium">{run.cluster.name}</span> · started by {who?.name ?? (run.apiTokenId ? "an API token" : run.scheduleId ? "a schedule" : "—")} ·{" "}
            <Link href={`${base}/runs`} className="text-brand-700 hover:underline">
              all runs
            </Link>
          </>
        }
        actions={
          pending && roleAllows(ctx.role, "runs:abort") ? (
            <ConfirmButton
              label="Abort"
              question="Stop this run and roll back what it changed?"
              confirmLabel="Abort run"
              fields={{ slug: ctx.team.slug, runId: run.id }}
              action={abortRunAction}
            />
          ) : null
        }
      />
      <div className="grid gap-4 lg:grid-cols-[1fr_18rem]">
        <div className="min-w-0 space-y-4">
          <LiveRun
            key={`${run.state}:${lastLog?.id ?? ""}:${run.steps.length}`}
            eventsUrl={`/api/v1/t/${ctx.team.slug}/runs/${run.id}/events`}
            stoppedBy={stoppedText(run.state, abort)}
            initial={{
              state: run.state,
              error: run.error,
              progress: run.progress,
              lastLogId: lastLog ? lastLog.id.toString() : null,
              steps: run.steps.map((s) => ({
                index: s.index,
                name: s.name,
                state: s.state,
                error: s.error,
                at: (s.finishedAt ?? s.startedAt)?.toISOString() ?? null,
                undoDueAt: s.undoDueAt?.toISOString() ?? null,
                undone: s.undoneAt !== null,
              })),
              logs: run.logs.map((l) => ({ key: `${l.at.toISOString()}|${l.message}`, level: l.level, message: l.message, at: l.at.toISOString() })),
            }}
          />
          <ObjectsAffected steps={run.steps} now={now} />
          {plan ? (
            <Card title="Plan">
              <PlanView plan={plan} />
            </Card>
          ) : null}
          <RunResult actionId={run.actionId} result={run.result} />
        </div>
        {/* Panels beside the run: its details; more panels (sharing) stack under it. */}
        <aside className="space-y-4">
          <Card title="Details">
            <dl className="space-y-2 text-sm">
              <Detail label="Queued" value={formatTime(run.queuedAt)} />
              <Detail label="Started" value={formatTime(run.startedAt)} />
              <Detail label="Finished" value={formatTime(run.finishedAt)} />
              <Detail
                label="Took"
                value={<RunDuration startedAt={run.startedAt?.toISOString() ?? null} finishedAt={run.finishedAt?.toISOString() ?? null} drawnAt={new Date().getTime()} />}
              />
              <Detail label="Attempt" value={String(run.attempt)} />
              <Detail label="Run id" value={run.id} mono />
            </dl>
          </Card>
          <Card title="Parameters">
            <RunParams actionId={run.actionId} params={run.params} />
          </Card>
          <SharePanel ctx={ctx} subject={{ kind: "run", id: run.id }} />
        </aside>
      </div>
    </>
  );
}

// Who stopped the run, in words; an automatic rollback has no one (its error says why).
function stoppedText(state: RunState, abort: AbortedBy | null): string | null {
  if (!abort) return null;
  const who = abort.via === "halt" ? `Halted by ${abort.name} with “Halt all runs”` : `Aborted by ${abort.name}`;
  if (state === "CANCELLED") return `${who} before it started.`;
  if (state === "ROLLBACK_FAILED") return `${who}; putting back what it changed failed.`;
  if (state === "ROLLED_BACK") return `${who}; what it had changed was put back.`;
  if (state === "FAILED") return `${who}; it had changed nothing lasting.`;
  return `${who}; it is stopping and putting back what it changed.`;
}

function Detail({ label, value, mono = false }: { label: string; value: ReactNode; mono?: boolean }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className={mono ? "break-all font-mono text-xs" : ""}>{value}</dd>
    </div>
  );
}
