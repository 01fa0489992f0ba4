import { NextResponse } from "next/server";
import { answer, findExperiment, methodNotAllowed, param, parseBody, planApiExperiment, apiSchemas } from "@/lib/api";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// POST /api/v1/t/[slug]/experiments/[experiment]/plan — the dry run of the saved experiment:
// every fault step planned and every check evaluated once; nothing is written or changed
export const POST = withTeamRoute(
  (req, ctx, params) =>
    answer(async () => {
      const experiment = await findExperiment(ctx, param(params, "experiment"));
      await parseBody(req, apiSchemas.emptyBody);
      return NextResponse.json({ plan: await planApiExperiment(ctx, { experimentId: experiment.id }) });
    }),
  { permission: "runs:create" },
);

export const GET = withTeamRoute(async () => methodNotAllowed(["POST"]), { permission: "runs:read" });
