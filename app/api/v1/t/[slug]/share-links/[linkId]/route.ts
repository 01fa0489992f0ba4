import { NextResponse } from "next/server";
import { answer, param, shareLinkJson } from "@/lib/api";
import { getShareLink, revokeShareLink } from "@/lib/share";
import { apiError, withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/t/[slug]/share-links/[linkId] — one share link (without its token)
export const GET = withTeamRoute(
  async (_req, ctx, params) => {
    const link = await getShareLink(ctx, param(params, "linkId"));
    return link ? NextResponse.json({ shareLink: shareLinkJson(link) }) : apiError(404, "not_found", "No such share link in this team.");
  },
  { permission: "runs:read" },
);

// DELETE /api/v1/t/[slug]/share-links/[linkId] — revoke the link; it answers 404 from now on
export const DELETE = withTeamRoute(
  (_req, ctx, params) => answer(async () => NextResponse.json({ shareLink: shareLinkJson(await revokeShareLink(ctx, param(params, "linkId"))) })),
  { permission: "share:manage" },
);
