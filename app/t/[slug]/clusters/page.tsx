import Link from "next/link";
import { db } from "@/lib/db";
import { roleAllows } from "@/lib/rbac/permissions";
import { requireTeamAccess, scoped } from "@/lib/tenancy";
import { ButtonLink, EmptyState, PageHeader, Table, Td } from "@/app/_components/ui";
import { AddSandboxButton } from "./add-sandbox-button";
import { StatusBadge, formatCheckedAt } from "./status-badge";

export const metadata = { title: "Clusters" };

export default async function ClustersPage({ params }: { params: Promise<{ slug: string }> }) {
  const ctx = await requireTeamAccess((await params).slug, "clusters:read");
  const canManage = roleAllows(ctx.role, "clusters:manage");
  const clusters = await db.cluster.findMany({
    where: scoped(ctx),
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      name: true,
      kind: true,
      serverHost: true,
      kubernetesVersion: true,
      nodeCount: true,
      status: true,
      statusMessage: true,
      lastCheckedAt: true,
    },
  });
  const base = `/t/${ctx.team.slug}/clusters`;
  const actions = canManage ? (
    <>
      <AddSandboxButton slug={ctx.team.slug} variant="secondary" align="end" />
      <ButtonLink href={`${base}/connect`}>Connect a cluster</ButtonLink>
    </>
  ) : null;
  return (
    <>
      <PageHeader
        title="Clusters"
        description="The Kubernetes clusters this team runs faults against."
        // The buttons stay in the header whatever the list holds, so the sandbox button keeps
        // its confirmation when the first cluster replaces the empty state.
        actions={actions}
      />
      {clusters.length === 0 ? (
        <EmptyState title="No clusters yet">
          {canManage ? (
            <>
              Start a private sandbox cluster with a demo application in one click (Add a sandbox cluster, above),
              or connect a cluster of your own with its kubeconfig. Every run then targets one of them.
            </>
          ) : (
            <>This team has no clusters yet. An owner or admin can connect one.</>
          )}
        </EmptyState>
      ) : (
        <Table head={["Name", "Server", "Version", "Nodes", "Status", "Last check", ""]}>
          {clusters.map((c) => (
            <tr key={c.id} data-testid="cluster-row">
              <Td className="whitespace-nowrap font-medium">
                <Link href={`${base}/${c.id}`} className="text-brand-700 hover:underline">
                  {c.name}
                </Link>
              </Td>
              <Td>{c.kind === "SANDBOX" ? "Sandbox" : (c.serverHost ?? "—")}</Td>
              <Td>{c.kubernetesVersion ?? "—"}</Td>
              <Td>{c.nodeCount ?? "—"}</Td>
              <Td>
                <StatusBadge status={c.status} />
                {c.status !== "CONNECTED" && c.statusMessage ? (
                  <p className="mt-1 max-w-xs text-xs text-slate-500">{c.statusMessage}</p>
                ) : null}
              </Td>
              <Td>{formatCheckedAt(c.lastCheckedAt)}</Td>
              <Td>
                <Link href={`${base}/${c.id}/settings`} className="text-sm text-slate-600 hover:underline">
                  Settings
                </Link>
              </Td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}
