import { cache } from "react";
import { getServerSession } from "next-auth";
import { db, type Prisma } from "@/lib/db";
import { authOptions } from "./auth-options";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  isGuest: boolean;
  /** The guided first experiment's state (lib/trials), read here so pages need no second query. */
  guideState: Prisma.JsonValue;
}

/**
 * The signed-in user of the current request, or null. A session whose user is gone or whose
 * sessions were revoked (sessionVersion bumped) counts as signed out.
 */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const session = (await getServerSession(authOptions())) as { uid?: string; sv?: number } | null;
  if (!session?.uid) return null;
  const user = await db.user.findUnique({
    where: { id: session.uid },
    select: { id: true, email: true, name: true, isGuest: true, guideState: true, sessionVersion: true },
  });
  if (!user || user.sessionVersion !== (session.sv ?? 0)) return null;
  return { id: user.id, email: user.email, name: user.name, isGuest: user.isGuest, guideState: user.guideState };
});
