import { NextResponse } from "next/server";
import { parseBody } from "@/lib/api";
import { createSchedule, getSchedule, listSchedules, scheduleInputSchema } from "@/lib/schedules";
import { answerSchedule } from "@/lib/schedules/api";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/t/[slug]/schedules — the team's schedules, each with its next time and last firing
export const GET = withTeamRoute((_req, ctx) => answerSchedule(async () => NextResponse.json({ schedules: await listSchedules(ctx) })), { permission: "runs:read" });

// POST /api/v1/t/[slug]/schedules — schedule an experiment ({ experimentId }) or an action ({ actionId, clusterId, params })
export const POST = withTeamRoute(
  (req, ctx) =>
    answerSchedule(async () => {
      const body = await parseBody(req, scheduleInputSchema);
      const row = await createSchedule(ctx, body);
      return NextResponse.json({ schedule: await getSchedule(ctx, row.id) }, { status: 201 });
    }),
  { permission: "runs:create" },
);
