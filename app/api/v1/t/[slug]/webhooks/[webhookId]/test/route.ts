import { NextResponse } from "next/server";
import { methodNotAllowed, param } from "@/lib/api";
import { sendTestWebhook } from "@/lib/webhooks";
import { answerWebhook } from "@/lib/webhooks/api";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// POST /api/v1/t/[slug]/webhooks/[webhookId]/test — queue a signed test delivery; its outcome appears in the log
export const POST = withTeamRoute(
  (_req, ctx, params) => answerWebhook(async () => NextResponse.json({ deliveryId: await sendTestWebhook(ctx, param(params, "webhookId")) }, { status: 202 })),
  { permission: "team:update" },
);

// GET answers 405 in JSON, behind the same gate (an outsider still learns nothing).
export const GET = withTeamRoute(async () => methodNotAllowed(["POST"]), { permission: "runs:read" });
