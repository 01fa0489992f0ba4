import { db } from "@/lib/db";
import { requireTeamAccess, scoped } from "@/lib/tenancy";
import { ROLE_LABELS } from "@/lib/rbac/permissions";
import { ButtonLink, Card, EmptyState, PageHeader, Stat } from "@/app/_components/ui";
import { FollowRunChanges } from "./runs/follow-run-changes";

export const metadata = { title: "Overview" };

export default async function OverviewPage({ params }: { params: Promise<{ slug: string }> }) {
  const ctx = await requireTeamAccess((await params).slug, "team:read");
  const [members, clusters, runs, activeRuns] = await Promise.all([
    db.membership.count({ where: scoped(ctx) }),
    db.cluster.count({ where: scoped(ctx) }),
    db.run.count({ where: { ...scoped(ctx), dryRun: false } }),
    db.run.count({ where: { ...scoped(ctx), state: { in: ["QUEUED", "RUNNING", "ROLLING_BACK"] } } }),
  ]);
  const base = `/t/${ctx.team.slug}`;
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
      <div className="mt-6">
        {clusters === 0 ? (
          <EmptyState
            title="Connect a cluster to get started"
            action={<ButtonLink href={`${base}/clusters`}>Connect a cluster</ButtonLink>}
          >
            Upload a kubeconfig, or start a private sandbox cluster with a demo shop in it, then run your
            first fault.
          </EmptyState>
        ) : (
          <Card title="Next steps">
            <p className="text-sm text-slate-600">
              Pick an action from the catalog and run it against one of your clusters.
            </p>
          </Card>
        )}
      </div>
    </>
  );
}
