import { NextResponse } from "next/server";
import { parseBody } from "@/lib/api";
import { createWebhook, listWebhooks, webhookInputSchema } from "@/lib/webhooks";
import { answerWebhook } from "@/lib/webhooks/api";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/t/[slug]/webhooks — the team's webhook endpoints (host only, never the URL), each with its last delivery
export const GET = withTeamRoute((_req, ctx) => answerWebhook(async () => NextResponse.json({ webhooks: await listWebhooks(ctx) })), { permission: "team:update" });

// POST /api/v1/t/[slug]/webhooks — add an endpoint; the team's signing secret comes back once, with the first one
export const POST = withTeamRoute(
  (req, ctx) =>
    answerWebhook(async () => {
      const body = await parseBody(req, webhookInputSchema);
      const { endpoint, secret } = await createWebhook(ctx, body);
      return NextResponse.json({ webhook: endpoint, secret }, { status: 201 });
    }),
  { permission: "team:update" },
);
