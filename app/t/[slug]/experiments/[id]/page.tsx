import Link from "next/link";
import { notFound } from "next/navigation";
import { getAction } from "@/lib/actions";
import { db } from "@/lib/db";
import { definitionOf, getExperiment, listExecutions, listExperimentVersions } from "@/lib/experiments";
import { roleAllows } from "@/lib/rbac/permissions";
import { requireTeamAccess, scoped } from "@/lib/tenancy";
import { plural } from "@/lib/text";
import { ButtonLink, Card, PageHeader } from "@/app/_components/ui";
import { ConfirmButton } from "../../runs/confirm-button";
import { FollowRunChanges } from "../../runs/follow-run-changes";
import { formatTime } from "../../runs/run-format";
import { deleteExperimentAction } from "../actions";

import { RunExperimentButton } from "../run-experiment-button";
import { DefinitionSummary } from "./definition-summary";
import { ExecutionHistory } from "./history/execution-history";
import { ExportLinks, VersionsCompared } from "./experiment-files";

export const metadata = { title: "Experiment" };

export default async function ExperimentPage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  const { slug, id } = await params;
  const ctx = await requireTeamAccess(slug, "runs:read");
  const experiment = await getExperiment(ctx, id);
  if (!experiment || experiment.id !== id) notFound();
  const base = `/t/${ctx.team.slug}/experiments`;
  const [executions, versions, cluster] = await Promise.all([
    listExecutions(ctx, { experimentId: experiment.id }),
    listExperimentVersions(ctx, experiment.id),
    db.cluster.findFirst({ where: { ...scoped(ctx), id: experiment.clusterId }, select: { name: true } }),
  ]);
  const definition = definitionOf(experiment);
  const canRun = roleAllows(ctx.role, "runs:create");
  const drawnAt = new Date().getTime();
  const titleOf = (actionId: string) => getAction(actionId)?.title ?? actionId;

  return (
    <>
      <FollowRunChanges slug={ctx.team.slug} since={new Date(drawnAt).toISOString()} />
      <PageHeader
        title={experiment.name}
        description={
          <>
            On <span className="font-medium">{cluster?.name ?? "—"}</span> · version {experiment.version} ·{" "}
            <Link href={base} className="text-brand-700 hover:underline">
              all experiments
            </Link>
          </>
        }
        actions={
          <>
          <ExportLinks slug={ctx.team.slug} experimentId={experiment.id} />
          {canRun ? (
            <>
              <ButtonLink href={`/t/${ctx.team.slug}/reports?experiment=${experiment.id}`} variant="secondary">
                Report
              </ButtonLink>
              <ButtonLink href={`${base}/${experiment.id}/edit`} variant="secondary">
                Edit
              </ButtonLink>
              <ConfirmButton
                label="Delete"
                question={`Delete ${experiment.name} with its ${plural(versions.length, "version")} and ${plural(executions.length, "execution")}?`}
                confirmLabel="Delete experiment"
                fields={{ slug: ctx.team.slug, experimentId: experiment.id }}
                action={deleteExperimentAction}
              />
              <RunExperimentButton slug={ctx.team.slug} experimentId={experiment.id} name={experiment.name} />
            </>
          ) : null}
          </>
        }
      />
      <div className="grid gap-4 lg:grid-cols-[1fr_18rem]">
        <div className="min-w-0 space-y-4">
          <DefinitionSummary definition={definition} titleOf={titleOf} />
          <ExecutionHistory slug={ctx.team.slug} experimentId={experiment.id} executions={executions} canRun={canRun} drawnAt={drawnAt} />
          <VersionsCompared ctx={ctx} name={experiment.name} versions={versions} />
        </div>
        <aside className="space-y-4">
          <Card title="Versions">
            <ol className="space-y-2 text-sm">
              {versions.map((v) => (
                <li key={v.version} className="flex items-baseline justify-between gap-2">
                  <span className="font-medium">v{v.version}</span>
                  <span className="text-right text-xs text-slate-500">
                    {formatTime(v.createdAt)}
                    {v.createdBy ? ` · ${v.createdBy.name}` : ""}
                  </span>
                </li>
              ))}
            </ol>
          </Card>
        </aside>
      </div>
    </>
  );
}
