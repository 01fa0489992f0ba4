import { NextResponse } from "next/server";
import { abortApiExecution, answer, executionJson, methodNotAllowed, param } from "@/lib/api";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// POST /api/v1/t/[slug]/executions/[executionId]/abort — stop an execution: every active fault
// is aborted and rolled back, and the verdict is aborted
export const POST = withTeamRoute(
  (_req, ctx, params) => answer(async () => NextResponse.json({ execution: executionJson(await abortApiExecution(ctx, param(params, "executionId"))) })),
  { permission: "runs:abort" },
);

// GET answers 405 in JSON, behind the same gate (an outsider still learns nothing).
export const GET = withTeamRoute(async () => methodNotAllowed(["POST"]), { permission: "runs:read" });
