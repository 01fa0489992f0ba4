// Direct database set-up for the role tests: roles and API tokens put in place without
// clicking through invitations (which e2e/teams.spec.ts tests through the UI).
import { createHash, randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { E2E_DATABASE_URL } from "./stack";

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export type TeamRole = "OWNER" | "ADMIN" | "MEMBER" | "VIEWER";

/** Gives the user with this email a role in the team (adding them if needed). */
export async function setRole(teamSlug: string, email: string, role: TeamRole): Promise<void> {
  await query(
    `INSERT INTO "Membership" (id, "teamId", "userId", role, "createdAt", "updatedAt")
     SELECT $1, t.id, u.id, $4::"Role", now(), now() FROM "Team" t, "User" u WHERE t.slug = $2 AND u.email = $3
     ON CONFLICT ("teamId", "userId") DO UPDATE SET role = EXCLUDED.role, "updatedAt" = now()`,
    [randomUUID(), teamSlug, email, role],
  );
}

/** A live API token of the team, created by the user with this email; returns the token. */
export async function insertApiToken(teamSlug: string, email: string, scopes: string[]): Promise<string> {
  const token = `pst_${randomBytes(32).toString("base64url")}`;
  const hash = createHash("sha256").update(token).digest("hex");
  await query(
    `INSERT INTO "ApiToken" (id, "teamId", name, prefix, "tokenHash", scopes, "createdById", "createdAt")
     SELECT $1, t.id, 'matrix', $2, $3, $4, u.id, now() FROM "Team" t, "User" u WHERE t.slug = $5 AND u.email = $6`,
    [randomUUID().replace(/-/g, "").slice(0, 25), token.slice(0, 12), hash, scopes, teamSlug, email],
  );
  return token;
}

/** How many rows of a team-owned table belong to the team (to show that nothing changed). */
export async function countFor(
  table: "Invite" | "ApiToken" | "Membership",
  teamSlug: string,
): Promise<number> {
  const rows = await query<{ n: string }>(
    `SELECT count(*)::text AS n FROM "${table}" x JOIN "Team" t ON t.id = x."teamId" WHERE t.slug = $1`,
    [teamSlug],
  );
  return Number(rows[0]!.n);
}
