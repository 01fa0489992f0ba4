import { NextResponse } from "next/server";
import { z } from "zod";
import { param, parseQuery } from "@/lib/api";
import { listFirings } from "@/lib/schedules";
import { answerSchedule } from "@/lib/schedules/api";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

const query = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) });

// GET /api/v1/t/[slug]/schedules/[scheduleId]/firings — its due times, newest first: fired (with the run or execution) or skipped with the reason
export const GET = withTeamRoute(
  (req, ctx, params) =>
    answerSchedule(async () => {
      const { limit } = parseQuery(req, query);
      const rows = await listFirings(ctx, param(params, "scheduleId"), limit);
      return NextResponse.json({
        firings: rows.map((f) => ({
          dueAt: f.dueAt.toISOString(),
          handledAt: f.firedAt.toISOString(),
          status: f.status,
          skipCode: f.skipCode,
          reason: f.reason,
          late: f.late,
          runId: f.runId,
          executionId: f.executionId,
        })),
      });
    }),
  { permission: "runs:read" },
);
