import { db } from "@/lib/db";
import { requireTeamAccess, scoped } from "@/lib/tenancy";
import { ROLE_LABELS } from "@/lib/rbac/permissions";
import { Badge, ComingSoon, Table, Td } from "@/app/_components/ui";

export const metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ slug: string }> }) {
  const ctx = await requireTeamAccess((await params).slug, "team:read");
  const members = await db.membership.findMany({
    where: scoped(ctx),
    orderBy: { createdAt: "asc" },
    select: { id: true, role: true, createdAt: true, user: { select: { name: true, email: true } } },
  });
  return (
    <div className="space-y-6">
      <Table head={["Name", "Email", "Role", "Joined"]}>
        {members.map((m) => (
          <tr key={m.id}>
            <Td className="font-medium">{m.user.name}</Td>
            <Td>{m.user.email}</Td>
            <Td>
              <Badge tone={m.role === "OWNER" ? "blue" : "slate"}>{ROLE_LABELS[m.role]}</Badge>
            </Td>
            <Td>{m.createdAt.toISOString().slice(0, 10)}</Td>
          </tr>
        ))}
      </Table>
      <ComingSoon
        feature="invitations and roles"
        what="Owners and admins will invite people by link or email, change their roles and remove them."
      />
    </div>
  );
}
