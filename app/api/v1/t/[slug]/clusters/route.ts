import { NextResponse } from "next/server";
import { answer, clusterJson } from "@/lib/api";
import { db } from "@/lib/db";
import { scoped, withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/t/[slug]/clusters — the team's clusters, by name
export const GET = withTeamRoute(
  (_req, ctx) =>
    answer(async () => {
      const clusters = await db.cluster.findMany({ where: scoped(ctx), orderBy: { name: "asc" } });
      return NextResponse.json({ clusters: clusters.map(clusterJson) });
    }),
  { permission: "clusters:read" },
);
