import { db } from "@/lib/db";
import { auditActor, recordAudit } from "@/lib/audit";
import { generateToken, hashToken } from "@/lib/crypto";
import { scoped, type TeamContext } from "@/lib/tenancy";
import type { CreateTokenInput } from "./schemas";

const DAY_MS = 24 * 60 * 60 * 1000;

export class ApiTokenError extends Error {}

/**
 * Creates an API token for the context's team. The token is returned once, here; only its
 * SHA-256 hash and a short prefix (to tell tokens apart) are stored. A token acts with its
 * creator's role at the time of each request, never more (see resolveTeamForToken).
 */
export async function createApiToken(
  ctx: TeamContext,
  input: CreateTokenInput,
  now = new Date(),
): Promise<{ token: string; id: string }> {
  if (!ctx.user || ctx.tokenId) throw new ApiTokenError("API tokens are created by a signed-in person.");
  const token = generateToken("pst");
  const expiresAt =
    input.expiresIn === "never" ? null : new Date(now.getTime() + Number(input.expiresIn) * DAY_MS);
  const row = await db.$transaction(async (tx) => {
    const row = await tx.apiToken.create({
      data: {
        ...scoped(ctx),
        name: input.name,
        prefix: token.slice(0, 12),
        tokenHash: hashToken(token),
        scopes: input.scopes,
        createdById: ctx.user!.id,
        expiresAt,
      },
      select: { id: true },
    });
    await recordAudit(
      {
        action: "api_token.created",
        teamId: ctx.team.id,
        actorUserId: ctx.user!.id,
        targetType: "api_token",
        targetId: row.id,
        data: { name: input.name, scopes: input.scopes, expiresAt: expiresAt?.toISOString() ?? null },
      },
      tx,
    );
    return row;
  });
  return { token, id: row.id };
}

/** The team's tokens, newest first, without their hashes. */
export function listApiTokens(ctx: TeamContext) {
  return db.apiToken.findMany({
    where: scoped(ctx),
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      name: true,
      prefix: true,
      scopes: true,
      createdAt: true,
      lastUsedAt: true,
      expiresAt: true,
      revokedAt: true,
      createdBy: { select: { name: true } },
    },
  });
}

/** Revokes a live token of the context's team; it stops working at once. Returns its name. */
export async function revokeApiToken(ctx: TeamContext, tokenId: string): Promise<string> {
  return db.$transaction(async (tx) => {
    const row = await tx.apiToken.findFirst({
      where: { ...scoped(ctx), id: tokenId },
      select: { id: true, name: true, revokedAt: true },
    });
    if (!row) throw new ApiTokenError("That token does not exist in this team.");
    if (row.revokedAt) throw new ApiTokenError(`“${row.name}” was already revoked.`);
    await tx.apiToken.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
    await recordAudit(
      {
        action: "api_token.revoked",
        ...auditActor(ctx),
        targetType: "api_token",
        targetId: row.id,
        data: { name: row.name },
      },
      tx,
    );
    return row.name;
  });
}

/** "active", "expired" or "revoked", for display. */
export function tokenStatus(t: { revokedAt: Date | null; expiresAt: Date | null }, now = new Date()) {
  if (t.revokedAt) return "revoked" as const;
  if (t.expiresAt && t.expiresAt <= now) return "expired" as const;
  return "active" as const;
}
