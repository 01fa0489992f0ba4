import { NextResponse, type NextRequest } from "next/server";
import { apiError, resolveTokenTeam, TeamAccessError } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/token — the team of the API token in the Authorization header and the role it
// acts with, so that a client holding only a token can find its team.
export async function GET(req: NextRequest): Promise<Response> {
  const auth = req.headers.get("authorization");
  if (!auth?.startsWith("Bearer ")) return apiError(401, "unauthenticated", "Pass an API token: Authorization: Bearer pst_…");
  try {
    const ctx = await resolveTokenTeam(auth.slice(7).trim());
    return NextResponse.json({ team: { slug: ctx.team.slug, name: ctx.team.name }, role: ctx.role });
  } catch (err) {
    if (err instanceof TeamAccessError) return apiError(err.status, err.status === 403 ? "forbidden" : "unauthenticated", err.message);
    throw err;
  }
}
