import { NextResponse } from "next/server";
import { answer, executionJson, findExecution, param } from "@/lib/api";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/t/[slug]/executions/[executionId] — one execution: its stages and faults, each
// check's samples and outcomes, the verdict, score and reason
export const GET = withTeamRoute(
  (_req, ctx, params) => answer(async () => NextResponse.json({ execution: executionJson(await findExecution(ctx, param(params, "executionId"))) })),
  { permission: "runs:read" },
);
