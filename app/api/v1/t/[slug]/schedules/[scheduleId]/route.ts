import { NextResponse } from "next/server";
import { param, parseBody } from "@/lib/api";
import { deleteSchedule, getSchedule, scheduleUpdateSchema, updateSchedule } from "@/lib/schedules";
import { answerSchedule } from "@/lib/schedules/api";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/t/[slug]/schedules/[scheduleId] — one schedule
export const GET = withTeamRoute(
  (_req, ctx, params) => answerSchedule(async () => NextResponse.json({ schedule: await getSchedule(ctx, param(params, "scheduleId")) })),
  { permission: "runs:read" },
);

// PATCH /api/v1/t/[slug]/schedules/[scheduleId] — edit; { enabled: false } pauses, { enabled: true } resumes
export const PATCH = withTeamRoute(
  (req, ctx, params) =>
    answerSchedule(async () => {
      const body = await parseBody(req, scheduleUpdateSchema);
      const row = await updateSchedule(ctx, param(params, "scheduleId"), body);
      return NextResponse.json({ schedule: await getSchedule(ctx, row.id) });
    }),
  { permission: "runs:create" },
);

// DELETE /api/v1/t/[slug]/schedules/[scheduleId] — delete it and its firings (its runs stay)
export const DELETE = withTeamRoute(
  (_req, ctx, params) =>
    answerSchedule(async () => {
      await deleteSchedule(ctx, param(params, "scheduleId"));
      return new Response(null, { status: 204 });
    }),
  { permission: "runs:create" },
);
