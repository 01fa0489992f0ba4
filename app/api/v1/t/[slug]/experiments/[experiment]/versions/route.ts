import { NextResponse } from "next/server";
import { answer, experimentVersionJson, findExperiment, param } from "@/lib/api";
import { listExperimentVersions } from "@/lib/experiments";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/t/[slug]/experiments/[experiment]/versions — every saved version, newest first
export const GET = withTeamRoute(
  (_req, ctx, params) =>
    answer(async () => {
      const experiment = await findExperiment(ctx, param(params, "experiment"));
      return NextResponse.json({ versions: (await listExperimentVersions(ctx, experiment.id)).map(experimentVersionJson) });
    }),
  { permission: "runs:read" },
);
