import { NextResponse } from "next/server";
import { answer, apiSchemas, executionSummaryJson, findExperiment, listApiExecutions, parseQuery } from "@/lib/api";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/t/[slug]/executions — the team's experiment executions, newest first (filters: state, experiment)
export const GET = withTeamRoute(
  (req, ctx) =>
    answer(async () => {
      const { experiment, ...q } = parseQuery(req, apiSchemas.listExecutionsQuery);
      const experimentId = experiment ? (await findExperiment(ctx, experiment)).id : undefined;
      const { executions, next } = await listApiExecutions(ctx, { ...q, experimentId });
      return NextResponse.json({ executions: executions.map(executionSummaryJson), next });
    }),
  { permission: "runs:read" },
);
