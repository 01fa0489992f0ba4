import { NextResponse, type NextRequest } from "next/server";
import { answer, apiSchemas, listApiRuns, parseBody, parseQuery, runJson, startApiRun } from "@/lib/api";
import { apiError, withTeamRoute, type TeamRouteHandler } from "@/lib/tenancy";

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

const start =
  (dryRunOnly: boolean): TeamRouteHandler =>
  (req, ctx) =>
    answer(async () => {
      const body = await parseBody(req, apiSchemas.createRunBody);
      // Reached with runs:read alone only for a dry run (see POST); anything else needs runs:create.
      if (dryRunOnly && !body.dryRun) return apiError(403, "forbidden", "This token does not allow runs:create.");
      const { run, plan } = await startApiRun(ctx, body);
      return NextResponse.json({ run: runJson(run), plan }, { status: 201 });
    });

const startRun = withTeamRoute(start(false), { permission: "runs:create" });
const recordDryRun = withTeamRoute(start(true), { permission: "runs:read" });

/** Whether the body asks for a dry run; a body that cannot be read is treated as a run (and refused as such). */
async function asksDryRun(req: NextRequest): Promise<boolean> {
  try {
    const body: unknown = await req.clone().json();
    return typeof body === "object" && body !== null && (body as { dryRun?: unknown }).dryRun === true;
  } catch {
    return false;
  }
}

// POST /api/v1/t/[slug]/runs — start a run (runs:create), or record a dry run: the plan, nothing
// changed in the cluster, so reading is enough (runs:read: a read token, a viewer).
export async function POST(req: NextRequest, route: Parameters<typeof startRun>[1]): Promise<Response> {
  return ((await asksDryRun(req)) ? recordDryRun : startRun)(req, route);
}
