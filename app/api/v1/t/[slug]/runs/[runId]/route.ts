import { NextResponse } from "next/server";
import { answer, findRun, param, runJson, stepJson } from "@/lib/api";
import { db } from "@/lib/db";
import { scoped, withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/t/[slug]/runs/[runId] — one run with its steps
export const GET = withTeamRoute(
  (_req, ctx, params) =>
    answer(async () => {
      const run = await findRun(ctx, param(params, "runId"));
      const steps = await db.runStep.findMany({ where: { ...scoped(ctx), runId: run.id }, orderBy: { index: "asc" } });
      return NextResponse.json({ run: runJson(run), steps: steps.map(stepJson) });
    }),
  { permission: "runs:read" },
);
