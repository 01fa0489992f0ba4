import { db } from "@/lib/db";
import { requireTeamAccess, scoped } from "@/lib/tenancy";
import { EmptyState, Table, Td } from "@/app/_components/ui";

export const metadata = { title: "Audit log" };

export default async function AuditPage({ params }: { params: Promise<{ slug: string }> }) {
  const ctx = await requireTeamAccess((await params).slug, "audit:read");
  const events = await db.auditEvent.findMany({
    where: scoped(ctx),
    orderBy: { at: "desc" },
    take: 100,
    select: {
      id: true,
      action: true,
      at: true,
      ip: true,
      targetType: true,
      actor: { select: { name: true, email: true } },
    },
  });
  if (events.length === 0)
    return <EmptyState title="Nothing recorded yet">Changes made in this team appear here.</EmptyState>;
  return (
    <Table head={["When (UTC)", "Who", "What", "Target", "From"]}>
      {events.map((e) => (
        <tr key={String(e.id)}>
          <Td className="whitespace-nowrap">{e.at.toISOString().slice(0, 19).replace("T", " ")}</Td>
          <Td>{e.actor ? `${e.actor.name} (${e.actor.email})` : "—"}</Td>
          <Td className="font-mono text-xs">{e.action}</Td>
          <Td>{e.targetType ?? "—"}</Td>
          <Td>{e.ip ?? "—"}</Td>
        </tr>
      ))}
    </Table>
  );
}
