import { NextResponse } from "next/server";
import { answer, apiSchemas, experimentJson, findCluster, findExperiment, param, parseBody } from "@/lib/api";
import { deleteExperiment, updateExperiment } from "@/lib/experiments";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/t/[slug]/experiments/[experiment] — one experiment (by id or name) at its current version
export const GET = withTeamRoute(
  (_req, ctx, params) =>
    answer(async () => {
      const experiment = await findExperiment(ctx, param(params, "experiment"));
      return NextResponse.json({ experiment: experimentJson(experiment, await findCluster(ctx, experiment.clusterId)) });
    }),
  { permission: "runs:read" },
);

// PUT /api/v1/t/[slug]/experiments/[experiment] — save a new version; with expectedVersion, 409
// when someone saved another version in between (nothing is overwritten)
export const PUT = withTeamRoute(
  (req, ctx, params) =>
    answer(async () => {
      const current = await findExperiment(ctx, param(params, "experiment"));
      const body = await parseBody(req, apiSchemas.updateExperimentBody);
      const cluster = await findCluster(ctx, body.cluster ?? current.clusterId);
      const experiment = await updateExperiment(ctx, current.id, {
        name: body.name ?? current.name,
        clusterId: cluster.id,
        definition: body.definition,
        expectedVersion: body.expectedVersion,
      });
      return NextResponse.json({ experiment: experimentJson(experiment, cluster) });
    }),
  { permission: "runs:create" },
);

// DELETE /api/v1/t/[slug]/experiments/[experiment] — delete it with its versions and executions;
// refused (409) while an execution of it is in progress
export const DELETE = withTeamRoute(
  (_req, ctx, params) =>
    answer(async () => {
      const experiment = await findExperiment(ctx, param(params, "experiment"));
      await deleteExperiment(ctx, experiment.id);
      return NextResponse.json({ deleted: { id: experiment.id, name: experiment.name } });
    }),
  { permission: "runs:create" },
);
