import { db } from "@/lib/db";
import { executionEventStream, parseJournalId } from "@/lib/experiments";
import { apiError, scoped, stillAllowed, withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/t/[slug]/executions/[executionId]/events — an experiment execution's live events
// as Server-Sent Events: state changes, stages and faults started and ended, each check
// evaluation, a trip. Each event carries its journal id as the SSE id; ?since=<id> (or the
// Last-Event-ID header) sends only later ones. Closes at the verdict, or when the caller loses
// access meanwhile (re-checked every 3 s).
export const GET = withTeamRoute(
  async (req, ctx, params) => {
    const executionId = typeof params.executionId === "string" ? params.executionId : "";
    const execution = await db.experimentExecution.findFirst({ where: { ...scoped(ctx), id: executionId }, select: { id: true } });
    if (!execution) return apiError(404, "not_found", "Execution not found.");
    const since = parseJournalId(req.nextUrl.searchParams.get("since") ?? req.headers.get("last-event-id"));
    const stream = executionEventStream(ctx.team.id, execution.id, { since, signal: req.signal, stillAllowed: () => stillAllowed(ctx, "runs:read") });
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
