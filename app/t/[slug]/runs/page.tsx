import { db } from "@/lib/db";
import { requireTeamAccess, scoped } from "@/lib/tenancy";
import { Badge, EmptyState, PageHeader, Table, Td } from "@/app/_components/ui";

export const metadata = { title: "Executed" };

export default async function RunsPage({ params }: { params: Promise<{ slug: string }> }) {
  const ctx = await requireTeamAccess((await params).slug, "runs:read");
  const runs = await db.run.findMany({
    where: scoped(ctx),
    orderBy: { queuedAt: "desc" },
    take: 50,
    select: { id: true, actionId: true, state: true, queuedAt: true, cluster: { select: { name: true } } },
  });
  return (
    <>
      <PageHeader title="Executed" description="Every run of this team, newest first." />
      {runs.length === 0 ? (
        <EmptyState title="No runs yet">Runs you start appear here with their outcome.</EmptyState>
      ) : (
        <Table head={["Action", "Cluster", "State", "Queued"]}>
          {runs.map((r) => (
            <tr key={r.id}>
              <Td className="font-medium">{r.actionId}</Td>
              <Td>{r.cluster.name}</Td>
              <Td>
                <Badge>{r.state.toLowerCase().replace("_", " ")}</Badge>
              </Td>
              <Td>{r.queuedAt.toISOString().slice(0, 16).replace("T", " ")}</Td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}
