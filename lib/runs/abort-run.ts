import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { db, type RunState } from "@/lib/db";
import { noticeRunAbort, publishRunEvents } from "./run-events";
import { runQueue } from "./run-queue";

/** Who asked a run to stop and how: shown on the run page, so an abort never reads like an automatic rollback. */
export const abortedBySchema = z.object({
  /** The person's name, or the API token's ("API token ci"). */
  name: z.string(),
  userId: z.string().nullable().default(null),
  tokenId: z.string().nullable().default(null),
  /** "run": the run's own Abort (page, API or CLI); "halt": Halt all runs of the team. */
  via: z.enum(["run", "halt"]),
});
export type AbortedBy = z.input<typeof abortedBySchema>;

const describe = (by: AbortedBy) => (by.via === "halt" ? `halted by ${by.name} (Halt all runs)` : `aborted by ${by.name}`);

/**
 * Asks one run of a team to stop. A queued run becomes CANCELLED at once; a running one is
 * marked and its worker told at once (a Redis notice; failing that, it sees the mark at its
 * next heartbeat or step), and it stops and rolls back.
 * Who asked is kept as a log line of the run (its data holds `abort`). Returns the state the
 * run is in after the call, or null for no such run in the team.
 */
export async function abortRun(teamId: string, runId: string, by?: AbortedBy): Promise<RunState | null> {
  const now = new Date();
  const line = async (what: string) => {
    if (!by) return;
    const message = `${what}: ${describe(by)}`;
    await db.runLog.create({ data: { runId, teamId, at: now, level: "warn", message, data: { abort: abortedBySchema.parse(by) } } });
    publishRunEvents({ runId, teamId }, [{ type: "log", level: "warn", message, at: now.toISOString() }]);
  };
  const error = by ? `cancelled before it started: ${describe(by)}` : "cancelled before it started";
  const cancelled = await db.$transaction(async (tx) => {
    const changed = await tx.run.updateMany({
      where: { id: runId, teamId, state: "QUEUED" },
      data: { state: "CANCELLED", abortRequestedAt: now, finishedAt: now, error },
    });
    if (changed.count > 0) {
      // The state change itself (who asked is the abort's own event): no address, as for the worker's changes.
      await recordAudit({ teamId, action: "run.state_changed", targetType: "run", targetId: runId, data: { state: "CANCELLED", from: "QUEUED", error }, meta: { ip: null, userAgent: null } }, tx);
    }
    return changed;
  });
  if (cancelled.count > 0) {
    await line("cancelled before it started").catch(() => undefined);
    publishRunEvents({ runId, teamId }, [{ type: "state", state: "CANCELLED", error, at: now.toISOString() }]);
    await runQueue().remove(runId).catch(() => undefined);
    return "CANCELLED";
  }
  const asked = await db.run.updateMany({
    where: { id: runId, teamId, state: { in: ["RUNNING", "ROLLING_BACK"] }, abortRequestedAt: null },
    data: { abortRequestedAt: now },
  });
  if (asked.count > 0) {
    // The worker holding the run stops within moments, not at its next heartbeat.
    noticeRunAbort(runId);
    await line("abort requested");
  }
  const run = await db.run.findFirst({ where: { id: runId, teamId }, select: { state: true } });
  return run?.state ?? null;
}

/** Who stopped a run (the first abort asked), or null when nobody did (it ended, or rolled back on its own). */
export async function abortOf(teamId: string, runId: string): Promise<z.output<typeof abortedBySchema> | null> {
  const rows = await db.$queryRaw<{ data: unknown }[]>`
    SELECT "data" FROM "RunLog" WHERE "runId" = ${runId} AND "teamId" = ${teamId} AND "data" ? 'abort' ORDER BY "id" LIMIT 1`;
  const parsed = abortedBySchema.safeParse((rows[0]?.data as { abort?: unknown } | undefined)?.abort);
  return parsed.success ? parsed.data : null;
}

/** Who is asking, from the caller's team context: the person, or the person's API token. */
export function abortedByOf(ctx: { user: { id: string; name: string } | null; tokenId: string | null }, via: AbortedBy["via"] = "run"): AbortedBy {
  const name = ctx.user ? (ctx.tokenId ? `${ctx.user.name} (API token)` : ctx.user.name) : "an API token";
  return { name, userId: ctx.user?.id ?? null, tokenId: ctx.tokenId, via };
}
