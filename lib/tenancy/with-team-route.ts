import { NextResponse, type NextRequest } from "next/server";
import { getSessionUser } from "@/lib/auth/session";
import type { Permission } from "@/lib/rbac/permissions";
import { TeamAccessError, type TeamContext } from "./context";
import { resolveTeamForUser } from "./resolve-team";
import { resolveTeamForToken } from "./resolve-token";

/** JSON error in the API's one shape: `{ error: { code, message } }`. */
export function apiError(status: number, code: string, message: string): NextResponse {
  return NextResponse.json({ error: { code, message } }, { status });
}

type RouteCtx = { params: Promise<Record<string, string | string[]>> };
export type TeamRouteHandler = (
  req: NextRequest,
  ctx: TeamContext,
  params: Record<string, string | string[]>,
) => Promise<Response>;

/**
 * The gate for route handlers under /api/v1/t/[slug]/…: accepts an API token
 * (`Authorization: Bearer pst_…`) or a session, resolves the team from the URL and checks
 * the permission. Unknown team or not a member → 404; missing permission → 403.
 */
export function withTeamRoute(handler: TeamRouteHandler, opts: { permission: Permission }) {
  return async (req: NextRequest, route: RouteCtx): Promise<Response> => {
    const params = await route.params;
    const slug = typeof params.slug === "string" ? params.slug : "";
    try {
      const auth = req.headers.get("authorization");
      let ctx: TeamContext;
      if (auth?.startsWith("Bearer ")) {
        ctx = await resolveTeamForToken(auth.slice(7).trim(), slug, opts.permission);
      } else {
        const user = await getSessionUser();
        if (!user) return apiError(401, "unauthenticated", "Sign in or pass an API token.");
        ctx = await resolveTeamForUser(user, slug, opts.permission);
      }
      return await handler(req, ctx, params);
    } catch (err) {
      if (err instanceof TeamAccessError) {
        const code = { 401: "unauthenticated", 403: "forbidden", 404: "not_found" }[err.status];
        return apiError(err.status, code, err.status === 404 ? "Team not found." : err.message);
      }
      throw err;
    }
  };
}
