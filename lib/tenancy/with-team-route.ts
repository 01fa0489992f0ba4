import { NextResponse, type NextRequest } from "next/server";
import { getSessionUser } from "@/lib/auth/session";
import { outageOf, outageResponse } from "@/lib/http/outage";
import type { Permission } from "@/lib/rbac/permissions";
import { TeamAccessError, type TeamContext } from "./context";
import { sessionWriteRefusal } from "./cross-site";
import { changesSomething, serveIdempotently } from "./idempotency";
import { hasNul } from "./nul-bytes";
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
 * the permission. Unknown team or not a member → 404; missing permission → 403. A session
 * changes nothing from another site or without a JSON body (see sessionWriteRefusal) → 403
 * before the handler runs; a path value that no query can hold (a NUL) → 400 before any query.
 * A request that changes something and carries an Idempotency-Key is served once
 * (./idempotency): a retry gets the first answer.
 */
export function withTeamRoute(handler: TeamRouteHandler, opts: { permission: Permission }) {
  return async (req: NextRequest, route: RouteCtx): Promise<Response> => {
    const params = await route.params;
    const slug = typeof params.slug === "string" ? params.slug : "";
    for (const [name, value] of Object.entries(params)) {
      if ([value].flat().some(hasNul)) return apiError(400, "invalid_request", `The ${name} in the address contains a NUL character, which no ${name} has.`);
    }
    try {
      const auth = req.headers.get("authorization");
      let ctx: TeamContext;
      if (auth?.startsWith("Bearer ")) {
        ctx = await resolveTeamForToken(auth.slice(7).trim(), slug, opts.permission);
      } else {
        const user = await getSessionUser();
        if (!user) return apiError(401, "unauthenticated", "Sign in or pass an API token.");
        ctx = await resolveTeamForUser(user, slug, opts.permission);
        // After the team check, so that an outsider still learns nothing (404) whatever they send.
        const crossSite = sessionWriteRefusal(req);
        if (crossSite) return apiError(403, "cross_site_refused", crossSite);
      }
      const key = req.headers.get("idempotency-key");
      if (key !== null && changesSomething(req.method)) return await serveIdempotently(req, key, ctx, () => handler(req, ctx, params));
      return await handler(req, ctx, params);
    } catch (err) {
      if (err instanceof TeamAccessError) {
        const code = { 401: "unauthenticated", 403: "forbidden", 404: "not_found" }[err.status];
        return apiError(err.status, code, err.status === 404 ? "Team not found." : err.message);
      }
      // The gate itself reads PostgreSQL: while it is away the answer is "try again", not 500.
      const outage = outageOf(err);
      if (outage) return outageResponse(outage);
      throw err;
    }
  };
}
