import { db } from "@/lib/db";
import { recordAudit, type RequestMeta } from "@/lib/audit";
import { generateToken, hashToken, isTokenOf } from "@/lib/crypto";
import { scoped, type TeamContext } from "@/lib/tenancy";
import { TeamRuleError } from "./errors";
import type { InviteInput } from "./member-schemas";
import { actor, assertMayAssign, lockTeam, mayInviteAs } from "./membership-rules";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Creates an invitation link's token. The token is returned once, here; only its hash is
 * stored, so a lost link is replaced, never recovered.
 */
export async function createInvite(
  ctx: TeamContext,
  input: InviteInput,
  now = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const me = actor(ctx);
  assertMayAssign(ctx.role, input.role, input.role);
  const token = generateToken("inv");
  const expiresAt = new Date(now.getTime() + input.expiresInDays * DAY_MS);
  await db.$transaction(async (tx) => {
    const invite = await tx.invite.create({
      data: { ...scoped(ctx), tokenHash: hashToken(token), role: input.role, createdById: me.id, expiresAt },
    });
    await recordAudit(
      {
        action: "invite.created",
        teamId: ctx.team.id,
        actorUserId: me.id,
        targetType: "invite",
        targetId: invite.id,
        data: { role: input.role, expiresAt: expiresAt.toISOString() },
      },
      tx,
    );
  });
  return { token, expiresAt };
}

/** Invitations not yet used or revoked, newest first (expired ones included, marked by date). */
export function listOpenInvites(ctx: TeamContext) {
  return db.invite.findMany({
    where: { ...scoped(ctx), acceptedAt: null, revokedAt: null },
    orderBy: { createdAt: "desc" },
    select: { id: true, role: true, createdAt: true, expiresAt: true, createdBy: { select: { name: true } } },
  });
}

/** Revokes an open invitation of the context's team. */
export async function revokeInvite(ctx: TeamContext, inviteId: string): Promise<void> {
  const me = actor(ctx);
  await db.$transaction(async (tx) => {
    const { count } = await tx.invite.updateMany({
      where: { ...scoped(ctx), id: inviteId, acceptedAt: null, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (count === 0) throw new TeamRuleError("That invitation is no longer open.", "not_found");
    await recordAudit(
      {
        action: "invite.revoked",
        teamId: ctx.team.id,
        actorUserId: me.id,
        targetType: "invite",
        targetId: inviteId,
      },
      tx,
    );
  });
}

export type InvitePreview =
  | { status: "open"; teamName: string; teamSlug: string; role: string; invitedBy: string; expiresAt: Date }
  | { status: "expired" | "used" | "revoked"; teamName: string }
  | { status: "unknown" };

/** What an invitation link leads to, for the page that opens it. Reads only; changes nothing. */
export async function previewInvite(token: string, now = new Date()): Promise<InvitePreview> {
  if (!isTokenOf("inv", token)) return { status: "unknown" };
  const inv = await db.invite.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      role: true,
      expiresAt: true,
      acceptedAt: true,
      revokedAt: true,
      team: { select: { name: true, slug: true } },
      createdBy: { select: { name: true } },
    },
  });
  if (!inv) return { status: "unknown" };
  if (inv.revokedAt) return { status: "revoked", teamName: inv.team.name };
  if (inv.acceptedAt) return { status: "used", teamName: inv.team.name };
  if (inv.expiresAt <= now) return { status: "expired", teamName: inv.team.name };
  return {
    status: "open",
    teamName: inv.team.name,
    teamSlug: inv.team.slug,
    role: inv.role,
    invitedBy: inv.createdBy.name,
    expiresAt: inv.expiresAt,
  };
}

const REFUSALS = {
  unknown: "This invitation link is not valid. Check that you copied all of it.",
  expired: "This invitation has expired. Ask the team for a new link.",
  used: "This invitation has already been used. Ask the team for a new link.",
  revoked: "This invitation was withdrawn. Ask the team for a new link.",
  authority:
    "The person who sent this invitation can no longer add members with this role. Ask a current owner or admin of the team for a new link.",
} as const;

/**
 * Accepts an invitation for a signed-in user: claims the link (one use only) and adds the
 * membership with the link's role, in one transaction. Someone already in the team keeps
 * their role and the link stays unused. Returns the team's slug.
 */
export async function acceptInvite(
  user: { id: string; email: string; isGuest?: boolean },
  token: string,
  meta?: RequestMeta,
  now = new Date(),
): Promise<{ slug: string; alreadyMember: boolean }> {
  if (user.isGuest) throw new TeamRuleError("Create an account (set a password) before joining a team.");
  const preview = await previewInvite(token, now);
  if (preview.status !== "open") throw new TeamRuleError(REFUSALS[preview.status]);
  return db.$transaction(async (tx) => {
    const inv = await tx.invite.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } });
    // Serialised with membership changes, so a removal that revokes this link cannot slip
    // between the authority check below and the join.
    await lockTeam(tx, inv.teamId);
    const existing = await tx.membership.findFirst({ where: { teamId: inv.teamId, userId: user.id } });
    if (existing) return { slug: preview.teamSlug, alreadyMember: true };
    // The link carries its creator's authority as it stands now, not when it was made: an
    // inviter who left, was removed or lost the role cannot let anyone in through it.
    const inviter = await tx.membership.findFirst({
      where: { teamId: inv.teamId, userId: inv.createdById },
      select: { role: true },
    });
    if (!mayInviteAs(inviter?.role, inv.role)) throw new TeamRuleError(REFUSALS.authority);
    // The claim is conditional, so two people racing for one link cannot both join.
    const { count } = await tx.invite.updateMany({
      where: { id: inv.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { acceptedAt: now, acceptedById: user.id },
    });
    if (count === 0) throw new TeamRuleError(REFUSALS.used);
    const m = await tx.membership.create({ data: { teamId: inv.teamId, userId: user.id, role: inv.role } });
    await recordAudit(
      {
        action: "member.joined",
        teamId: inv.teamId,
        actorUserId: user.id,
        targetType: "membership",
        targetId: m.id,
        data: { user: user.email, role: inv.role, invite: inv.id },
        meta,
      },
      tx,
    );
    return { slug: preview.teamSlug, alreadyMember: false };
  });
}
