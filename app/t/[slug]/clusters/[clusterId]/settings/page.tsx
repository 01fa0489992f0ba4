import { notFound } from "next/navigation";
import { actionAccess } from "@/lib/clusters";
import { db } from "@/lib/db";
import { roleAllows } from "@/lib/rbac/permissions";
import { requireTeamAccess, scoped } from "@/lib/tenancy";
import { Card } from "@/app/_components/ui";
import { ActionAccessTable } from "../../_kubeconfig/action-access-table";
import { KubeconfigForm } from "../../_kubeconfig/kubeconfig-form";
import { StatusBadge, formatCheckedAt } from "../../status-badge";
import { DeleteClusterForm, RecheckForm, RenameClusterForm } from "./forms";
import { PermissionList } from "./permission-list";

export const metadata = { title: "Cluster settings" };

export default async function ClusterSettingsPage({ params }: { params: Promise<{ slug: string; clusterId: string }> }) {
  const { slug, clusterId } = await params;
  const ctx = await requireTeamAccess(slug, "clusters:read");
  // Only what the page shows: the sealed kubeconfig is never read here.
  const cluster = await db.cluster.findFirst({
    where: { ...scoped(ctx), id: clusterId },
    select: {
      id: true,
      name: true,
      kind: true,
      serverHost: true,
      contextName: true,
      status: true,
      statusMessage: true,
      kubernetesVersion: true,
      nodeCount: true,
      permissions: true,
      lastCheckedAt: true,
      createdAt: true,
    },
  });
  if (!cluster) notFound();
  const canManage = roleAllows(ctx.role, "clusters:manage");
  const target = { slug: ctx.team.slug, clusterId: cluster.id };
  const access = actionAccess(cluster.permissions);
  const sandbox = cluster.kind === "SANDBOX";
  // The cluster's name, status and tabs come from the [clusterId] layout above this page.
  return (
    <>
      <div className="space-y-6">
        <Card title="Connection">
          <dl className="grid gap-4 text-sm sm:grid-cols-3">
            <Detail label="Status" testId="connection-status">
              <StatusBadge status={cluster.status} />
              {cluster.status !== "CONNECTED" && cluster.statusMessage ? (
                <span className="mt-1 block text-xs text-slate-600">{cluster.statusMessage}</span>
              ) : null}
            </Detail>
            <Detail label="Server" testId="connection-server">{sandbox ? "Pystol sandbox" : (cluster.serverHost ?? "—")}</Detail>
            <Detail label="Context">{sandbox ? "—" : (cluster.contextName ?? "—")}</Detail>
            <Detail label="Kubernetes version">{cluster.kubernetesVersion ?? "—"}</Detail>
            <Detail label="Nodes">{cluster.nodeCount ?? "—"}</Detail>
            <Detail label="Last check">{formatCheckedAt(cluster.lastCheckedAt)}</Detail>
          </dl>
          {canManage ? (
            <div className="mt-4">
              <RecheckForm {...target} />
            </div>
          ) : null}
        </Card>

        <Card title="What the credentials allow">
          {access ? (
            <div className="space-y-4">
              <ActionAccessTable actions={access} />
              <PermissionList permissions={cluster.permissions as Record<string, boolean>} />
            </div>
          ) : (
            <p className="text-sm text-slate-600">
              Not known yet: the cluster has not answered a check. {canManage ? "Use Re-check above." : ""}
            </p>
          )}
        </Card>

        {canManage ? (
          <>
            <Card title="Name">
              <RenameClusterForm {...target} name={cluster.name} />
            </Card>
            {sandbox ? null : (
              <Card title="Replace credentials">
                <p className="mb-4 text-sm text-slate-600">
                  Upload a new kubeconfig for this cluster (for example after rotating its token). It is tested
                  first; the old credentials stay in use until the new ones work.
                </p>
                <KubeconfigForm slug={ctx.team.slug} clusterId={cluster.id} />
              </Card>
            )}
            <Card title="Delete cluster" className="border-red-200">
              <DeleteClusterForm {...target} name={cluster.name} sandbox={sandbox} />
            </Card>
          </>
        ) : (
          <p className="text-sm text-slate-500">Only owners and admins can rename, re-check or delete a cluster.</p>
        )}
      </div>
    </>
  );
}

function Detail({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div data-testid={testId}>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 font-medium">{children}</dd>
    </div>
  );
}
