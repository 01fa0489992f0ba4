import { db } from "@/lib/db";
import { runEventStream } from "@/lib/runs";
import { apiError, scoped, stillAllowed, withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/t/[slug]/runs/[runId]/events — the run's events as Server-Sent Events: what is
// stored first (steps, log, progress, state), then live; closes once the run is finished.
// ?after=<log id> (or the Last-Event-ID header) skips log lines the caller already has. The
// stream closes when the caller loses access meanwhile (removed from the team, token revoked).
export const GET = withTeamRoute(
  async (req, ctx, params) => {
    const runId = typeof params.runId === "string" ? params.runId : "";
    const run = await db.run.findFirst({ where: { ...scoped(ctx), id: runId }, select: { id: true } });
    if (!run) return apiError(404, "not_found", "Run not found.");
    const after = req.nextUrl.searchParams.get("after") ?? req.headers.get("last-event-id") ?? "";
    const afterLogId = /^\d{1,18}$/.test(after) ? BigInt(after) : undefined;
    const stream = runEventStream(ctx.team.id, run.id, { afterLogId, signal: req.signal, stillAllowed: () => stillAllowed(ctx, "runs:read") });
    return new Response(stream, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        // Proxies such as nginx must pass each event on at once.
        "x-accel-buffering": "no",
      },
    });
  },
  { permission: "runs:read" },
);
