import { forbidden, notFound, redirect } from "next/navigation";
import { cache } from "react";
import { getSessionUser, sessionTeamsOf } from "@/lib/auth/session";
import type { Permission } from "@/lib/rbac/permissions";
import { TeamAccessError, type TeamContext } from "./context";
import { listUserTeams, resolveTeamForUser } from "./resolve-team";
import { outageMessage, outageOf } from "@/lib/http/outage";

/**
 * The signed-in person's teams, read once per server render (React's cache): the team layout
 * lists them in its switcher, and the gate below finds the membership among them, so the
 * layouts, the page and the switcher of one request cost one read: none of their own when they
 * are the signed-in user's, which come with the session (lib/auth/session).
 */
export const listUserTeamsOnce = cache(async (userId: string) => (await sessionTeamsOf(userId)) ?? listUserTeams(userId));

const findMembershipOnce = cache(async (userId: string, slug: string) => (await listUserTeamsOnce(userId)).find((m) => m.team.slug === slug) ?? null);

/**
 * The gate for pages and server components under /t/<slug>: signed-out visitors go to sign
 * in, outsiders get 404, members without the permission get 403.
 */
export async function requireTeamAccess(
  slug: string,
  permission: Permission = "team:read",
): Promise<TeamContext> {
  const user = await getSessionUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(`/t/${slug}`)}`);
  try {
    return await resolveTeamForUser(user, slug, permission, findMembershipOnce);
  } catch (err) {
    if (err instanceof TeamAccessError && err.status === 403) forbidden();
    if (err instanceof TeamAccessError) notFound();
    throw err;
  }
}

export type ActionResult<T = undefined> =
  | { ok: true; data?: T; message?: string }
  | {
      ok: false;
      error: string;
      fieldErrors?: Record<string, string[] | undefined>;
      values?: Record<string, string>;
    };

/**
 * The gate for server actions: the same checks as pages. An outsider (unknown team, not a
 * member) gets notFound(), so the action answers 404 like the pages; a member whose role
 * lacks the permission gets a result with a message the form can show, and so does anyone
 * while PostgreSQL or Redis is not answering.
 */
export async function withTeamAction<T>(
  slug: unknown,
  permission: Permission,
  fn: (ctx: TeamContext) => Promise<ActionResult<T>>,
): Promise<ActionResult<T>> {
  const user = await getSessionUser();
  if (!user) return { ok: false, error: "Your session has ended. Sign in again." };
  let ctx: TeamContext;
  try {
    ctx = await resolveTeamForUser(user, typeof slug === "string" ? slug : "", permission);
  } catch (err) {
    if (err instanceof TeamAccessError && err.status === 403) return { ok: false, error: err.message };
    if (err instanceof TeamAccessError) notFound();
    return outageResult(err);
  }
  try {
    return await fn(ctx);
  } catch (err) {
    return outageResult(err);
  }
}

// PostgreSQL or Redis away: the form says to try again instead of the error page.
function outageResult(err: unknown): { ok: false; error: string } {
  const outage = outageOf(err);
  if (!outage) throw err;
  return { ok: false, error: outageMessage(outage) };
}
