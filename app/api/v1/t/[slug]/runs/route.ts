import { NextResponse } from "next/server";
import { answer, apiSchemas, listApiRuns, parseBody, parseQuery, runJson, startApiRun } from "@/lib/api";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/t/[slug]/runs — the team's runs, newest first (filters: state, action, cluster; cursor: before)
export const GET = withTeamRoute(
  (req, ctx) =>
    answer(async () => {
      const { runs, next } = await listApiRuns(ctx, parseQuery(req, apiSchemas.listRunsQuery));
      return NextResponse.json({ runs: runs.map(runJson), next });
    }),
  { permission: "runs:read" },
);

// POST /api/v1/t/[slug]/runs — start a run, or record a dry run (the plan, nothing changed)
export const POST = withTeamRoute(
  (req, ctx) =>
    answer(async () => {
      const { run, plan } = await startApiRun(ctx, await parseBody(req, apiSchemas.createRunBody));
      return NextResponse.json({ run: runJson(run), plan }, { status: 201 });
    }),
  { permission: "runs:create" },
);
