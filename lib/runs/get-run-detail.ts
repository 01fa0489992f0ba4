import { db } from "@/lib/db";

/** A run of a team with its steps and log (latest `logLimit` lines), or null for another team's id. */
export async function getRunDetail(teamId: string, runId: string, logLimit = 500) {
  const run = await db.run.findFirst({
    where: { id: runId, teamId },
    include: { steps: { orderBy: { index: "asc" } }, cluster: { select: { id: true, name: true, kind: true } } },
  });
  if (!run) return null;
  const logs = await db.runLog.findMany({ where: { runId, teamId }, orderBy: { id: "desc" }, take: logLimit });
  return { ...run, logs: logs.reverse() };
}

export type RunDetail = NonNullable<Awaited<ReturnType<typeof getRunDetail>>>;
