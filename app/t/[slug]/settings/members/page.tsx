import type { Role } from "@/lib/db";
import { requireTeamAccess } from "@/lib/tenancy";
import { ROLE_LABELS, roleAllows } from "@/lib/rbac/permissions";
import { listMembers, listOpenInvites } from "@/lib/teams";
import { Alert, Badge, Card, Table, Td } from "@/app/_components/ui";
import { InviteForm } from "./invite-form";
import { MemberControls, TransferOwnershipForm } from "./member-controls";
import { LeaveTeamForm, RevokeInviteButton } from "./small-forms";

export const metadata = { title: "Members" };

const ROLE_HELP: Record<Role, string> = {
  OWNER: "everything, including transferring ownership",
  ADMIN: "manage members, clusters, API tokens; read the audit log",
  MEMBER: "start, abort and share runs",
  VIEWER: "read only",
};

const day = (d: Date) => d.toISOString().slice(0, 10);

// What the last change did, when its form went away with it (a removed member's row).
const NOTICES: Record<string, string> = {
  removed: "The member was removed from the team and lost access at once.",
  "invite-revoked": "Invitation revoked: its link no longer works.",
};

export default async function MembersPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requireTeamAccess((await params).slug, "team:read");
  const query = await searchParams;
  const canManage = roleAllows(ctx.role, "members:manage");
  const isOwner = ctx.role === "OWNER";
  const [members, invites] = await Promise.all([listMembers(ctx), canManage ? listOpenInvites(ctx) : []]);
  // Owners give every role; admins every role but owner, and they cannot touch owners.
  const assignable = (Object.keys(ROLE_LABELS) as Role[])
    .filter((r) => isOwner || r !== "OWNER")
    .map((r) => ({ value: r, label: ROLE_LABELS[r] }));
  const now = new Date();
  const newOwner = query.notice === "transferred" ? members.find((m) => m.id === query.to && m.role === "OWNER") : undefined;
  const notice = newOwner ? `${newOwner.user.name} now owns the team; you are an admin.` : NOTICES[String(query.notice)];
  return (
    <div className="space-y-6">
      {notice ? <Alert tone="green">{notice}</Alert> : null}
      <Table
        head={canManage ? ["Name", "Email", "Role", "Joined", "Manage"] : ["Name", "Email", "Role", "Joined"]}
      >
        {members.map((m) => {
          const self = m.userId === ctx.user!.id;
          const controllable = canManage && !self && (isOwner || m.role !== "OWNER");
          return (
            <tr key={m.id} data-testid={`member-${m.user.email}`}>
              <Td className="font-medium">
                {m.user.name}
                {self ? <span className="ml-1 text-xs font-normal text-slate-500">(you)</span> : null}
              </Td>
              <Td>{m.user.email}</Td>
              <Td>
                <Badge tone={m.role === "OWNER" ? "blue" : "slate"}>{ROLE_LABELS[m.role]}</Badge>
              </Td>
              <Td className="whitespace-nowrap">{day(m.createdAt)}</Td>
              {canManage ? (
                <Td>
                  {controllable ? (
                    <MemberControls
                      slug={ctx.team.slug}
                      membershipId={m.id}
                      name={m.user.name}
                      role={m.role}
                      roles={assignable}
                    />
                  ) : (
                    <span className="text-xs text-slate-500">
                      {self ? "Your own role" : "Only owners manage owners"}
                    </span>
                  )}
                </Td>
              ) : null}
            </tr>
          );
        })}
      </Table>

      <p className="text-xs text-slate-500">
        Roles:{" "}
        {(Object.keys(ROLE_HELP) as Role[]).map((r) => `${ROLE_LABELS[r]}: ${ROLE_HELP[r]}`).join(" · ")}.
      </p>

      {canManage ? (
        <Card title="Invite people">
          <InviteForm slug={ctx.team.slug} roles={assignable.filter((r) => r.value !== "OWNER")} />
          {invites.length > 0 ? (
            <div className="mt-5">
              <h3 className="mb-2 text-sm font-medium text-slate-700">Open invitations</h3>
              <Table head={["Role", "Created by", "Created", "Expires", ""]}>
                {invites.map((i) => (
                  <tr key={i.id}>
                    <Td>{ROLE_LABELS[i.role]}</Td>
                    <Td>{i.createdBy.name}</Td>
                    <Td className="whitespace-nowrap">{day(i.createdAt)}</Td>
                    <Td className="whitespace-nowrap">
                      {i.expiresAt <= now ? <Badge tone="amber">Expired</Badge> : day(i.expiresAt)}
                    </Td>
                    <Td>
                      <RevokeInviteButton slug={ctx.team.slug} inviteId={i.id} />
                    </Td>
                  </tr>
                ))}
              </Table>
            </div>
          ) : null}
        </Card>
      ) : (
        <Alert tone="amber">
          You are {ROLE_LABELS[ctx.role].toLowerCase()} in this team: only owners and admins invite people and
          change roles.
        </Alert>
      )}

      {isOwner ? (
        <Card title="Transfer ownership">
          <TransferOwnershipForm
            slug={ctx.team.slug}
            members={members
              .filter((m) => m.userId !== ctx.user!.id && m.role !== "OWNER")
              .map((m) => ({ membershipId: m.id, label: `${m.user.name} (${ROLE_LABELS[m.role]})` }))}
          />
        </Card>
      ) : null}

      <Card title="Leave the team">
        <LeaveTeamForm slug={ctx.team.slug} teamName={ctx.team.name} />
      </Card>
    </div>
  );
}
