import { NextResponse } from "next/server";
import { answer, apiSchemas, executionSummaryJson, findExperiment, listApiExecutions, param, parseQuery } from "@/lib/api";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/t/[slug]/experiments/[experiment]/executions — this experiment's executions, newest first
export const GET = withTeamRoute(
  (req, ctx, params) =>
    answer(async () => {
      const experiment = await findExperiment(ctx, param(params, "experiment"));
      const q = parseQuery(req, apiSchemas.listExperimentExecutionsQuery);
      const { executions, next } = await listApiExecutions(ctx, { ...q, experimentId: experiment.id });
      return NextResponse.json({ executions: executions.map(executionSummaryJson), next });
    }),
  { permission: "runs:read" },
);
