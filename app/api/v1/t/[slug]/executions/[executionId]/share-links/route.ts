import { NextResponse } from "next/server";
import { answer, apiSchemas, param, parseBody, shareLinkJson } from "@/lib/api";
import { env } from "@/lib/env";
import { createExecutionShareLink, listExecutionShareLinks, sharedExecutionPath } from "@/lib/share";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/t/[slug]/executions/[executionId]/share-links — the execution's share links (their tokens are never shown again)
export const GET = withTeamRoute(
  (_req, ctx, params) => answer(async () => NextResponse.json({ shareLinks: (await listExecutionShareLinks(ctx, param(params, "executionId"))).map((l) => shareLinkJson(l)) })),
  { permission: "runs:read" },
);

// POST /api/v1/t/[slug]/executions/[executionId]/share-links — create a public read-only link; its URL is in this answer only
export const POST = withTeamRoute(
  (req, ctx, params) =>
    answer(async () => {
      const body = await parseBody(req, apiSchemas.createShareBody);
      const { link, token } = await createExecutionShareLink(ctx, param(params, "executionId"), body.expiry);
      const url = new URL(sharedExecutionPath(token), env().NEXTAUTH_URL).toString();
      return NextResponse.json({ shareLink: shareLinkJson(link, url) }, { status: 201 });
    }),
  { permission: "share:manage" },
);
