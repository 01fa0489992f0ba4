import Link from "next/link";
import { listExperiments } from "@/lib/experiments";
import { roleAllows } from "@/lib/rbac/permissions";
import { requireTeamAccess } from "@/lib/tenancy";
import { plural } from "@/lib/text";
import { Badge, ButtonLink, EmptyState, PageHeader, Table, Td } from "@/app/_components/ui";
import { FollowRunChanges } from "../runs/follow-run-changes";
import { formatTime } from "../runs/run-format";
import { EXECUTION_LABELS, EXECUTION_TONES } from "./format";
import { RunExperimentButton } from "./run-experiment-button";

export const metadata = { title: "Experiments" };

export default async function ExperimentsPage({ params }: { params: Promise<{ slug: string }> }) {
  const ctx = await requireTeamAccess((await params).slug, "runs:read");
  const base = `/t/${ctx.team.slug}/experiments`;
  const canRun = roleAllows(ctx.role, "runs:create");
  const experiments = await listExperiments(ctx);

  return (
    <>
      {/* An execution's fault runs change state as it goes: the list's verdicts follow them. */}
      <FollowRunChanges slug={ctx.team.slug} since={new Date().toISOString()} />
      <PageHeader
        title="Experiments"
        description="A steady state to keep, faults in stages, and a verdict: does the service stay healthy while things break?"
        actions={
          <>
            <ButtonLink href={`${base}/templates`} variant="secondary">
              Templates
            </ButtonLink>
            {canRun ? (
              <ButtonLink href={`${base}/import`} variant="secondary">
                Import
              </ButtonLink>
            ) : null}
            {canRun && experiments.length > 0 ? <ButtonLink href={`${base}/new`}>New experiment</ButtonLink> : null}
          </>
        }
      />
      {experiments.length === 0 ? (
        <EmptyState title="No experiments yet" action={canRun ? <ButtonLink href={`${base}/new`}>Create an experiment</ButtonLink> : null}>
          <p>
            An experiment states what healthy means (checks such as &ldquo;checkout answers within 300 ms&rdquo;), injects faults in stages, watches the checks while
            they run and stops at once, rolling every fault back, when a check trips. Each execution ends with a verdict and a resilience score.
          </p>
          {canRun ? (
            <p className="mt-2">
              Create one, or start from a{" "}
              <Link href={`${base}/templates`} className="text-brand-700 hover:underline">
                template
              </Link>
              , dry-run it to see what it would hit, then run it from its page.
            </p>
          ) : (
            <p className="mt-2">A member of the team can create one.</p>
          )}
        </EmptyState>
      ) : (
        <Table head={["Name", "Cluster", "Contents", "Last verdict", ""]}>
          {experiments.map((e) => (
            <tr key={e.id}>
              <Td className="min-w-48 font-medium">
                <Link href={`${base}/${e.id}`} className="text-brand-700 hover:underline">
                  {e.name}
                </Link>
                {/* Two lines in the list; the experiment's page has all of it. */}
                {e.description ? <p className="line-clamp-2 max-w-md text-xs font-normal text-slate-500" title={e.description}>{e.description}</p> : null}
              </Td>
              <Td>{e.cluster.name}</Td>
              <Td className="whitespace-nowrap text-slate-600">
                {plural(e.stages, "stage")} · {plural(e.faults, "fault")} · {plural(e.checks, "check")}
              </Td>
              <Td>
                {e.lastExecution ? (
                  <Link href={`${base}/${e.id}/executions/${e.lastExecution.id}`} className="inline-flex flex-wrap items-center gap-x-2 hover:underline">
                    <Badge tone={EXECUTION_TONES[e.lastExecution.state]}>{EXECUTION_LABELS[e.lastExecution.state]}</Badge>
                    {e.lastExecution.score !== null ? <span className="text-xs text-slate-600">score {e.lastExecution.score}</span> : null}
                    <span className="whitespace-nowrap text-xs text-slate-500">{formatTime(e.lastExecution.finishedAt ?? e.lastExecution.queuedAt)}</span>
                  </Link>
                ) : (
                  <span className="text-slate-500">never run</span>
                )}
              </Td>
              <Td className="text-right">{canRun ? <RunExperimentButton slug={ctx.team.slug} experimentId={e.id} name={e.name} compact /> : null}</Td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}
