import { cache } from "react";
import { cookies } from "next/headers";
import { db, type Prisma, type Role, type Team } from "@/lib/db";
import { env } from "@/lib/env";
import { authSecret } from "./secret";
import { decodeSessionToken, sessionTokenFromCookies } from "./session-token";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  isGuest: boolean;
  /** The guided first experiment's state (lib/trials), read here so pages need no second query. */
  guideState: Prisma.JsonValue;
}

/** A team of the signed-in user with their role in it (what lib/tenancy's listUserTeams gives). */
export interface SessionMembership {
  role: Role;
  team: Pick<Team, "id" | "slug" | "name" | "personal" | "isTrial" | "trialExpiresAt">;
}

type SessionRow = { id: string; email: string; name: string; isGuest: boolean; guideState: Prisma.JsonValue; sessionVersion: number } & {
  role: Role | null;
  teamId: string | null;
  slug: string | null;
  teamName: string | null;
  personal: boolean | null;
  isTrial: boolean | null;
  trialExpiresAt: Date | null;
};

// The user and their teams in one statement: every team page needs both (the gate finds the
// membership among the teams, the layout lists them in its switcher).
const readSession = cache(async (): Promise<{ user: SessionUser; teams: SessionMembership[] } | null> => {
  // The token's claims as next-auth's jwt callback wrote them (lib/auth/auth-options.ts),
  // read directly: next-auth's handler would also mint a renewed cookie a page cannot set.
  const token = sessionTokenFromCookies((await cookies()).getAll(), env().NEXTAUTH_URL.startsWith("https://"));
  const session = token ? await decodeSessionToken(token, authSecret()) : null;
  if (!session?.uid) return null;
  const rows = await db.$queryRaw<SessionRow[]>`
    SELECT u."id", u."email", u."name", u."isGuest", u."guideState", u."sessionVersion",
      m."role"::text AS "role", t."id" AS "teamId", t."slug", t."name" AS "teamName", t."personal", t."isTrial", t."trialExpiresAt"
    FROM "User" u
    LEFT JOIN "Membership" m ON m."userId" = u."id"
    LEFT JOIN "Team" t ON t."id" = m."teamId"
    WHERE u."id" = ${session.uid}
    ORDER BY m."createdAt"`;
  const user = rows[0];
  if (!user || user.sessionVersion !== (session.sv ?? 0)) return null;
  const teams: SessionMembership[] = [];
  for (const r of rows) {
    if (r.role === null || r.teamId === null) continue;
    teams.push({
      role: r.role,
      team: { id: r.teamId, slug: r.slug!, name: r.teamName!, personal: r.personal!, isTrial: r.isTrial!, trialExpiresAt: r.trialExpiresAt },
    });
  }
  return { user: { id: user.id, email: user.email, name: user.name, isGuest: user.isGuest, guideState: user.guideState }, teams };
});

/**
 * The signed-in user of the current request, or null. A session whose user is gone or whose
 * sessions were revoked (sessionVersion bumped) counts as signed out.
 */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => (await readSession())?.user ?? null);

/**
 * The teams of the signed-in user of this request, read with the user (oldest membership
 * first), when `userId` is that user; null otherwise (then read them with listUserTeams).
 */
export async function sessionTeamsOf(userId: string): Promise<SessionMembership[] | null> {
  const s = await readSession();
  return s && s.user.id === userId ? s.teams : null;
}
