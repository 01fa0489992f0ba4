import { NextResponse } from "next/server";
import { abortApiRun, answer, methodNotAllowed, param, runJson } from "@/lib/api";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// POST /api/v1/t/[slug]/runs/[runId]/abort — stop a run: a queued one is cancelled, a running one rolls back
export const POST = withTeamRoute(
  (_req, ctx, params) => answer(async () => NextResponse.json({ run: runJson(await abortApiRun(ctx, param(params, "runId"))) })),
  { permission: "runs:abort" },
);

// GET answers 405 in JSON, behind the same gate (an outsider still learns nothing).
export const GET = withTeamRoute(async () => methodNotAllowed(["POST"]), { permission: "runs:read" });
