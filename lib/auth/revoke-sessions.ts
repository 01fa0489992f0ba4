import { db } from "@/lib/db";
import { recordAudit, type RequestMeta } from "@/lib/audit";

/**
 * Ends every session of a user, on every device: session tokens carry the sessionVersion
 * they were issued with, and getSessionUser refuses any that no longer matches.
 */
export async function revokeSessions(userId: string, meta?: RequestMeta): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
    await recordAudit(
      { action: "auth.sessions_revoked", actorUserId: userId, targetType: "user", targetId: userId, meta },
      tx,
    );
  });
}
