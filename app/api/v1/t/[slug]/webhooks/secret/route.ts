import { NextResponse } from "next/server";
import { rotateWebhookSecret } from "@/lib/webhooks";
import { answerWebhook } from "@/lib/webhooks/api";
import { methodNotAllowed } from "@/lib/api";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// POST /api/v1/t/[slug]/webhooks/secret — rotate the team's signing secret; the new one comes back once
export const POST = withTeamRoute(
  (_req, ctx) =>
    answerWebhook(async () => NextResponse.json({ secret: await rotateWebhookSecret(ctx) })),
  { permission: "team:update" },
);

// GET answers 405 in JSON, behind the same gate (an outsider still learns nothing).
export const GET = withTeamRoute(async () => methodNotAllowed(["POST"]), { permission: "runs:read" });
