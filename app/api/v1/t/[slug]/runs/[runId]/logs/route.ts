import { NextResponse } from "next/server";
import { answer, apiSchemas, findRun, logJson, param, parseQuery } from "@/lib/api";
import { db } from "@/lib/db";
import { scoped, withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/t/[slug]/runs/[runId]/logs — the run's log lines in order (after: follow from a line id)
export const GET = withTeamRoute(
  (req, ctx, params) =>
    answer(async () => {
      const q = parseQuery(req, apiSchemas.logsQuery);
      const run = await findRun(ctx, param(params, "runId"));
      const logs = await db.runLog.findMany({
        where: { ...scoped(ctx), runId: run.id, ...(q.after !== undefined ? { id: { gt: BigInt(q.after) } } : {}) },
        orderBy: { id: "asc" },
        take: q.limit,
        select: { id: true, at: true, level: true, message: true },
      });
      return NextResponse.json({ logs: logs.map(logJson) });
    }),
  { permission: "runs:read" },
);
