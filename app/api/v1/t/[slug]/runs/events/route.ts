import { teamRunStream } from "@/lib/runs";
import { stillAllowed, withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/t/[slug]/runs/events — the team's run state changes as Server-Sent Events, for
// lists that follow them. ?since=<ISO time> (when the caller's view was drawn) tells a change
// made since then at once. Closes when the caller loses access.
export const GET = withTeamRoute(
  async (req, ctx) => {
    const raw = req.nextUrl.searchParams.get("since");
    const since = raw && /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(raw) && !Number.isNaN(Date.parse(raw)) ? new Date(raw) : undefined;
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
