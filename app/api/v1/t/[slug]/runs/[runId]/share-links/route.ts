import { NextResponse } from "next/server";
import { answer, apiSchemas, findRun, param, parseBody, shareLinkJson } from "@/lib/api";
import { env } from "@/lib/env";
import { createShareLink, listShareLinks } from "@/lib/share";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/t/[slug]/runs/[runId]/share-links — the run's share links (their tokens are never shown again)
export const GET = withTeamRoute(
  (_req, ctx, params) =>
    answer(async () => {
      const run = await findRun(ctx, param(params, "runId"));
      return NextResponse.json({ shareLinks: (await listShareLinks(ctx, run.id)).map((l) => shareLinkJson(l)) });
    }),
  { permission: "runs:read" },
);

// POST /api/v1/t/[slug]/runs/[runId]/share-links — create a public read-only link; its URL is in this answer only
export const POST = withTeamRoute(
  (req, ctx, params) =>
    answer(async () => {
      const body = await parseBody(req, apiSchemas.createShareBody);
      const { link, token } = await createShareLink(ctx, param(params, "runId"), body.expiry);
      const url = new URL(`/r/${token}`, env().NEXTAUTH_URL).toString();
      return NextResponse.json({ shareLink: shareLinkJson(link, url) }, { status: 201 });
    }),
  { permission: "share:manage" },
);
