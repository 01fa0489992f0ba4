import { NextResponse } from "next/server";
import { param, parseBody } from "@/lib/api";
import { deleteWebhook, getWebhook, updateWebhook, webhookUpdateSchema } from "@/lib/webhooks";
import { answerWebhook } from "@/lib/webhooks/api";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/t/[slug]/webhooks/[webhookId] — one endpoint
export const GET = withTeamRoute(
  (_req, ctx, params) => answerWebhook(async () => NextResponse.json({ webhook: await getWebhook(ctx, param(params, "webhookId")) })),
  { permission: "team:update" },
);

// PATCH /api/v1/t/[slug]/webhooks/[webhookId] — edit; { enabled: false } pauses it
export const PATCH = withTeamRoute(
  (req, ctx, params) =>
    answerWebhook(async () => {
      const body = await parseBody(req, webhookUpdateSchema);
      return NextResponse.json({ webhook: await updateWebhook(ctx, param(params, "webhookId"), body) });
    }),
  { permission: "team:update" },
);

// DELETE /api/v1/t/[slug]/webhooks/[webhookId] — delete it and its delivery log
export const DELETE = withTeamRoute(
  (_req, ctx, params) =>
    answerWebhook(async () => {
      await deleteWebhook(ctx, param(params, "webhookId"));
      return new Response(null, { status: 204 });
    }),
  { permission: "team:update" },
);
