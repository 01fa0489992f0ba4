import { NextResponse } from "next/server";
import { db } from "@/lib/db";
import { PENDING_STATES, teamRunStream } from "@/lib/runs";
import { scoped, stillAllowed, withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/t/[slug]/runs/events — with `Accept: text/event-stream` (as EventSource sends),
// the team's run state changes as Server-Sent Events, for lists that follow them; it closes
// when the caller loses access. ?since=<ISO time> (when the caller's view was drawn) tells a
// change made since then at once. Any other Accept: the runs in progress now, as JSON.
export const GET = withTeamRoute(
  async (req, ctx) => {
    if (!(req.headers.get("accept") ?? "").includes("text/event-stream")) {
      const runs = await db.run.findMany({
        where: { ...scoped(ctx), dryRun: false, state: { in: [...PENDING_STATES] } },
        orderBy: { queuedAt: "desc" },
        take: 100,
        select: { id: true, state: true },
      });
      return NextResponse.json({ runs });
    }
    const raw = req.nextUrl.searchParams.get("since") ?? "";
    const since = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/.test(raw) && !Number.isNaN(Date.parse(raw)) ? new Date(raw) : undefined;
    const stream = teamRunStream(ctx.team.id, { since, signal: req.signal, stillAllowed: () => stillAllowed(ctx, "runs:read") });
    return new Response(stream, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      },
    });
  },
  { permission: "runs:read" },
);
