import { NextResponse } from "next/server";
import { db } from "@/lib/db";
import { scoped, withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/t/[slug] — the team, the caller's role in it, and how many members and clusters it has
export const GET = withTeamRoute(
  async (_req, ctx) => {
    const [members, clusters] = await Promise.all([
      db.membership.count({ where: scoped(ctx) }),
      db.cluster.count({ where: scoped(ctx) }),
    ]);
    return NextResponse.json({
      team: { slug: ctx.team.slug, name: ctx.team.name },
      role: ctx.role,
      members,
      clusters,
    });
  },
  { permission: "team:read" },
);
