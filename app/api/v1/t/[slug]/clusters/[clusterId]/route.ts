import { NextResponse } from "next/server";
import { answer, clusterJson, findCluster, param } from "@/lib/api";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/t/[slug]/clusters/[clusterId] — one cluster, by id or name
export const GET = withTeamRoute(
  (_req, ctx, params) =>
    answer(async () => NextResponse.json({ cluster: clusterJson(await findCluster(ctx, param(params, "clusterId"))) })),
  { permission: "clusters:read" },
);
