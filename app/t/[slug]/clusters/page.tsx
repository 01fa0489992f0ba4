import { db } from "@/lib/db";
import { requireTeamAccess, scoped } from "@/lib/tenancy";
import { Badge, EmptyState, PageHeader, Table, Td } from "@/app/_components/ui";

export const metadata = { title: "Clusters" };

const STATUS_TONE = {
  CONNECTED: "green",
  PENDING: "slate",
  UNREACHABLE: "red",
  UNAUTHORIZED: "red",
  ERROR: "red",
} as const;

export default async function ClustersPage({ params }: { params: Promise<{ slug: string }> }) {
  const ctx = await requireTeamAccess((await params).slug, "clusters:read");
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
      lastCheckedAt: true,
    },
  });
  return (
    <>
      <PageHeader title="Clusters" description="The Kubernetes clusters this team runs faults against." />
      {clusters.length === 0 ? (
        <EmptyState title="Coming soon: connect a cluster">
          This team has no clusters yet. Here you will upload a kubeconfig or start a private sandbox cluster
          in one click; every run then targets one of them.
        </EmptyState>
      ) : (
        <Table head={["Name", "Server", "Version", "Nodes", "Status", "Last check"]}>
          {clusters.map((c) => (
            <tr key={c.id}>
              <Td className="font-medium">{c.name}</Td>
              <Td>{c.kind === "SANDBOX" ? "Sandbox" : (c.serverHost ?? "—")}</Td>
              <Td>{c.kubernetesVersion ?? "—"}</Td>
              <Td>{c.nodeCount ?? "—"}</Td>
              <Td>
                <Badge tone={STATUS_TONE[c.status]}>{c.status.toLowerCase()}</Badge>
              </Td>
              <Td>{c.lastCheckedAt?.toISOString().slice(0, 16).replace("T", " ") ?? "never"}</Td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}
