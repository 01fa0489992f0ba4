import { NextResponse } from "next/server";
import { param } from "@/lib/api";
import { listDeliveries } from "@/lib/webhooks";
import { answerWebhook } from "@/lib/webhooks/api";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/t/[slug]/webhooks/[webhookId]/deliveries — the delivery log, newest first (?limit=1..200)
export const GET = withTeamRoute(
  (req, ctx, params) =>
    answerWebhook(async () => {
      const raw = Number(req.nextUrl.searchParams.get("limit") ?? 50);
      const limit = Number.isInteger(raw) ? raw : 50;
      return NextResponse.json({ deliveries: await listDeliveries(ctx, param(params, "webhookId"), limit) });
    }),
  { permission: "team:update" },
);
