import { NextResponse } from "next/server";
import { answer, apiSchemas, experimentJson, experimentSummaryJson, findCluster, parseBody, planApiExperiment } from "@/lib/api";
import { createExperiment, listExperiments } from "@/lib/experiments";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/t/[slug]/experiments — the team's experiments, most recently changed first, with their last execution
export const GET = withTeamRoute(
  (_req, ctx) => answer(async () => NextResponse.json({ experiments: (await listExperiments(ctx)).map(experimentSummaryJson) })),
  { permission: "runs:read" },
);

// POST /api/v1/t/[slug]/experiments — save a new experiment (version 1), or with dryRun plan an
// unsaved definition: every fault step planned, every check evaluated once, nothing written.
// A dry run sends the checks' requests (to the cluster, to URLs, to Prometheus), so it needs
// runs:create as saving does.
export const POST = withTeamRoute(
  (req, ctx) =>
    answer(async () => {
      const body = await parseBody(req, apiSchemas.createExperimentBody);
      const cluster = await findCluster(ctx, body.cluster);
      if (body.dryRun) return NextResponse.json({ plan: await planApiExperiment(ctx, { clusterId: cluster.id, definition: body.definition }) });
      const experiment = await createExperiment(ctx, { name: body.name, clusterId: cluster.id, definition: body.definition });
      return NextResponse.json({ experiment: experimentJson(experiment, cluster) }, { status: 201 });
    }),
  { permission: "runs:create" },
);
