import { NextResponse } from "next/server";
import { answer, apiSchemas, executionJson, findExperiment, methodNotAllowed, param, parseBody, startApiExecution } from "@/lib/api";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// POST /api/v1/t/[slug]/experiments/[experiment]/run — start an execution of the current
// version; 202 with the execution, queued (follow it at /executions/{id} or its events)
export const POST = withTeamRoute(
  (req, ctx, params) =>
    answer(async () => {
      const experiment = await findExperiment(ctx, param(params, "experiment"));
      const body = await parseBody(req, apiSchemas.startExecutionBody);
      return NextResponse.json({ execution: executionJson(await startApiExecution(ctx, experiment, body)) }, { status: 202 });
    }),
  { permission: "runs:create" },
);

export const GET = withTeamRoute(async () => methodNotAllowed(["POST"]), { permission: "runs:read" });
