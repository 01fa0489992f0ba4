import { headers } from "next/headers";
import { db, type Prisma } from "@/lib/db";
import type { TeamContext } from "@/lib/tenancy/context";
import { clientIp } from "./client-ip";

export { clientIp } from "./client-ip";
export { describeAuditAction, describeAuditData } from "./describe-event";

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

/** The caller's address (see clientIp) and user agent from the current request. */
export async function requestMeta(): Promise<RequestMeta> {
  try {
    const h = await headers();
    return {
      ip: clientIp((name) => h.get(name)),
      userAgent: h.get("user-agent")?.slice(0, 300) ?? null,
    };
  } catch {
    return { ip: null, userAgent: null }; // outside a request (scripts, workers)
  }
}

export interface AuditEntry {
  action: string;
  teamId?: string | null;
  actorUserId?: string | null;
  actorTokenId?: string | null;
  targetType?: string;
  targetId?: string;
  data?: Prisma.InputJsonValue;
  meta?: RequestMeta;
}

/** Who acted, from a team context: the team, and the signed-in person or the API token. */
export function auditActor(ctx: TeamContext): Pick<AuditEntry, "teamId" | "actorUserId" | "actorTokenId"> {
  return { teamId: ctx.team.id, actorUserId: ctx.user?.id ?? null, actorTokenId: ctx.tokenId };
}

type Tx = Pick<Prisma.TransactionClient, "auditEvent">;

/** Writes an audit event; pass the transaction that makes the change so both land or neither. */
export async function recordAudit(entry: AuditEntry, tx: Tx = db): Promise<void> {
  const meta = entry.meta ?? (await requestMeta());
  await tx.auditEvent.create({
    data: {
      action: entry.action,
      teamId: entry.teamId ?? null,
      actorUserId: entry.actorUserId ?? null,
      actorTokenId: entry.actorTokenId ?? null,
      targetType: entry.targetType,
      targetId: entry.targetId,
      data: entry.data,
      ip: meta.ip,
      userAgent: meta.userAgent,
    },
  });
}
