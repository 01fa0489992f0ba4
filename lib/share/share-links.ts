import { auditActor, recordAudit } from "@/lib/audit";
import { generateToken, hashToken } from "@/lib/crypto";
import { db, type ShareLink } from "@/lib/db";
import { scoped, type TeamContext } from "@/lib/tenancy";
import { expiresAtFor, isLive, type ShareExpiry } from "./expiry";

/** Share links use this token prefix: `shr_` + 256 random bits. */
export const SHARE_TOKEN_PREFIX = "shr";

export class ShareLinkError extends Error {
  constructor(
    readonly code: "not-found",
    message: string,
  ) {
    super(message);
  }
}

/** What the team sees of a link (never its token, which exists only in the creation answer). */
export interface ShareLinkView {
  id: string;
  /** Exactly one of runId and executionId is set: what the link opens. */
  runId: string | null;
  executionId: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastViewedAt: Date | null;
  viewCount: number;
  live: boolean;
}

export function shareLinkView(link: ShareLink, now = new Date()): ShareLinkView {
  const { id, runId, executionId, createdAt, expiresAt, revokedAt, lastViewedAt, viewCount } = link;
  return { id, runId, executionId, createdAt, expiresAt, revokedAt, lastViewedAt, viewCount, live: isLive(link, now) };
}

/** What a link opens: a run or an experiment's execution. */
type LinkTarget = { runId: string } | { executionId: string };

const targetOf = (link: { runId: string | null; executionId: string | null }) =>
  link.executionId ? { targetType: "execution", targetId: link.executionId } : { targetType: "run", targetId: link.runId ?? undefined };

async function createLink(ctx: TeamContext, target: LinkTarget, expiry: ShareExpiry): Promise<{ link: ShareLinkView; token: string }> {
  const token = generateToken(SHARE_TOKEN_PREFIX);
  const link = await db.$transaction(async (tx) => {
    const row = await tx.shareLink.create({
      data: { teamId: ctx.team.id, ...target, tokenHash: hashToken(token), createdById: ctx.user?.id ?? null, expiresAt: expiresAtFor(expiry) },
    });
    await recordAudit({ action: "share_link.created", ...auditActor(ctx), ...targetOf(row), data: { shareLinkId: row.id, expiry } }, tx);
    return row;
  });
  return { link: shareLinkView(link), token };
}

/**
 * Creates a share link for a run of the team. Returns the token once: only its SHA-256 hash
 * is stored. Another team's run id is not found.
 */
export async function createShareLink(ctx: TeamContext, runId: string, expiry: ShareExpiry): Promise<{ link: ShareLinkView; token: string }> {
  const run = await db.run.findFirst({ where: { ...scoped(ctx), id: runId }, select: { id: true } });
  if (!run) throw new ShareLinkError("not-found", "No such run in this team");
  return createLink(ctx, { runId: run.id }, expiry);
}

/** Creates a share link for an experiment's execution of the team, as createShareLink does for a run. */
export async function createExecutionShareLink(ctx: TeamContext, executionId: string, expiry: ShareExpiry): Promise<{ link: ShareLinkView; token: string }> {
  const execution = await db.experimentExecution.findFirst({ where: { ...scoped(ctx), id: executionId }, select: { id: true } });
  if (!execution) throw new ShareLinkError("not-found", "No such execution in this team");
  return createLink(ctx, { executionId: execution.id }, expiry);
}

/** Revokes a link of the team at once; revoking twice is harmless. Another team's id is not found. */
export async function revokeShareLink(ctx: TeamContext, linkId: string): Promise<ShareLinkView> {
  const link = await db.shareLink.findFirst({ where: { ...scoped(ctx), id: linkId } });
  if (!link) throw new ShareLinkError("not-found", "No such share link in this team");
  if (link.revokedAt) return shareLinkView(link);
  return db.$transaction(async (tx) => {
    const now = new Date();
    await tx.shareLink.updateMany({ where: { ...scoped(ctx), id: link.id, revokedAt: null }, data: { revokedAt: now } });
    await recordAudit(
      { action: "share_link.revoked", ...auditActor(ctx), ...targetOf(link), data: { shareLinkId: link.id } },
      tx,
    );
    return shareLinkView({ ...link, revokedAt: now });
  });
}

/** One link of the team, or null. */
export async function getShareLink(ctx: TeamContext, linkId: string): Promise<ShareLinkView | null> {
  const link = await db.shareLink.findFirst({ where: { ...scoped(ctx), id: linkId } });
  return link && shareLinkView(link);
}

async function listLinks(ctx: TeamContext, target: LinkTarget): Promise<ShareLinkView[]> {
  const links = await db.shareLink.findMany({ where: { ...scoped(ctx), ...target }, orderBy: { createdAt: "desc" }, take: 100 });
  const now = new Date();
  return links.map((l) => shareLinkView(l, now));
}

/** The links of one run of the team, newest first (revoked ones included, marked). */
export const listShareLinks = (ctx: TeamContext, runId: string) => listLinks(ctx, { runId });

/** The links of one execution of the team, newest first (revoked ones included, marked); another team's execution is not found. */
export async function listExecutionShareLinks(ctx: TeamContext, executionId: string): Promise<ShareLinkView[]> {
  const execution = await db.experimentExecution.findFirst({ where: { ...scoped(ctx), id: executionId }, select: { id: true } });
  if (!execution) throw new ShareLinkError("not-found", "No such execution in this team");
  return listLinks(ctx, { executionId: execution.id });
}
