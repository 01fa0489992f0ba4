import { NextResponse } from "next/server";
import { z } from "zod";
import { parseQuery } from "@/lib/api";
import { CRON_MAX_LENGTH, previewSchedule } from "@/lib/schedules";
import { answerSchedule } from "@/lib/schedules/api";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

const query = z.strictObject({
  cron: z.string().max(CRON_MAX_LENGTH).default(""),
  timezone: z.string().min(1).max(64).default("UTC"),
  count: z.coerce.number().int().min(1).max(20).default(5),
});

// GET /api/v1/t/[slug]/schedules/preview?cron=…&timezone=… — checks an expression before saving:
// { valid: true, times, description } or { valid: false, field, message } (a sentence for people)
export const GET = withTeamRoute(
  (req) =>
    answerSchedule(async () => {
      const q = parseQuery(req, query);
      const p = previewSchedule(q.cron, q.timezone, q.count);
      return NextResponse.json(p.ok ? { valid: true, times: p.times, description: p.description } : { valid: false, field: p.field, message: p.message });
    }),
  { permission: "runs:read" },
);
