import Link from "next/link";
import { db } from "@/lib/db";
import { listExperiments } from "@/lib/experiments";
import { requireTeamAccess, scoped } from "@/lib/tenancy";
import { ROLE_LABELS, roleAllows } from "@/lib/rbac/permissions";
import { ButtonLink, Card, EmptyState, PageHeader, Stat } from "@/app/_components/ui";
import { FollowRunChanges } from "./runs/follow-run-changes";

export const metadata = { title: "Overview" };

export default async function OverviewPage({ params }: { params: Promise<{ slug: string }> }) {
  const ctx = await requireTeamAccess((await params).slug, "team:read");
  const [members, clusters, runs, activeRuns, experimentList] = await Promise.all([
    db.membership.count({ where: scoped(ctx) }),
    db.cluster.count({ where: scoped(ctx) }),
    db.run.count({ where: { ...scoped(ctx), dryRun: false } }),
    db.run.count({ where: { ...scoped(ctx), state: { in: ["QUEUED", "RUNNING", "ROLLING_BACK"] } } }),
    // Experiments with the state of their last execution.
    listExperiments(ctx),
  ]);
  const base = `/t/${ctx.team.slug}`;
  const experiments = experimentList.length;
  const passing = experimentList.filter((x) => x.lastExecution?.state === "PASSED").length;
  const canRun = roleAllows(ctx.role, "runs:create");
  const canManageClusters = roleAllows(ctx.role, "clusters:manage");
  return (
    <>
      <FollowRunChanges slug={ctx.team.slug} since={new Date().toISOString()} />
      <PageHeader
        title={ctx.team.name}
        description={`You are ${ROLE_LABELS[ctx.role].toLowerCase()} of this team.`}
      />
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Stat label="Members" value={members} />
        <Stat label="Clusters" value={clusters} />
        <Stat label="Runs" value={runs} />
        <Stat label="Running now" value={activeRuns} />
      </div>
      {experiments > 0 ? (
        <p className="mt-4 text-sm text-slate-600">
          {passing} of {experiments} experiments passed their last execution ·{" "}
          <Link href={`${base}/resilience`} className="text-brand-700 hover:underline">
            resilience over time
          </Link>
        </p>
      ) : null}
      <div className="mt-6">
        {/* What to do next depends on what the role may do: a viewer is never told to run. */}
        {clusters === 0 && canManageClusters ? (
          <EmptyState
            title="Connect a cluster to get started"
            action={<ButtonLink href={`${base}/clusters`}>Connect a cluster</ButtonLink>}
          >
            Upload a kubeconfig, or start a private sandbox cluster with a demo shop in it, then run your
            first fault.
          </EmptyState>
        ) : clusters === 0 ? (
          <EmptyState title="No clusters yet">
            This team has no cluster yet. An owner or admin of the team can connect one; then its nodes, pods and
            runs show here.
          </EmptyState>
        ) : canRun ? (
          <Card title="Next steps">
            <p className="text-sm text-slate-600">
              Pick an action from the <Link href={`${base}/actions`} className="text-brand-700 hover:underline">catalog</Link>{" "}
              and <Link href={`${base}/run`} className="text-brand-700 hover:underline">run it</Link> against one of your
              clusters. Every run is planned first, so you see what it would hit before anything changes.
            </p>
          </Card>
        ) : (
          <Card title="What you can do here">
            <p className="text-sm text-slate-600">
              As a viewer you can look at the team&apos;s{" "}
              <Link href={`${base}/clusters`} className="text-brand-700 hover:underline">clusters</Link>, their nodes, pods
              and graph, and at every{" "}
              <Link href={`${base}/runs`} className="text-brand-700 hover:underline">run</Link> with its steps and log. Starting
              runs needs the member role: ask an owner or admin of the team.
            </p>
          </Card>
        )}
      </div>
    </>
  );
}
