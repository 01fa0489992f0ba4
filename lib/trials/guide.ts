import { z } from "zod";
import { db, type Prisma } from "@/lib/db";

// The guided first experiment: kill a pod of the shop, watch the deployment heal, open the
// result, share it. Steps that leave a trace in the data (a run, a share link) are read from
// it; the others are ticked by the visitor. Dismissal and ticks are kept per user.
export const GUIDE_STEPS = ["kill", "watch", "result", "share"] as const;
export type GuideStep = (typeof GUIDE_STEPS)[number];

const stateSchema = z.object({
  dismissed: z.boolean().default(false),
  done: z.array(z.enum(GUIDE_STEPS)).default([]),
});
export type GuideState = z.infer<typeof stateSchema>;

export interface Guide {
  dismissed: boolean;
  done: Record<GuideStep, boolean>;
  /** The first step not done, or null when the experiment is complete. */
  current: GuideStep | null;
  /** The team's latest pod-kill run that succeeded (step 1 is done once there is one), which the later steps link to. */
  runId: string | null;
  /** The team's first sandbox cluster, where the experiment happens; null when it has none. */
  clusterId: string | null;
}

function parseState(value: Prisma.JsonValue | null | undefined): GuideState {
  const parsed = stateSchema.safeParse(value ?? {});
  return parsed.success ? parsed.data : { dismissed: false, done: [] };
}

// What the team's data says about the guide, in one statement: it renders above every page
// of a trial team.
function teamFacts(teamId: string) {
  return db.$queryRaw<{ clusterId: string | null; runId: string | null; shared: boolean }[]>`
    SELECT
      (SELECT "id" FROM "Cluster" WHERE "teamId" = ${teamId} AND "kind" = 'SANDBOX' ORDER BY "createdAt" LIMIT 1) AS "clusterId",
      (SELECT "id" FROM "Run" WHERE "teamId" = ${teamId} AND "actionId" = 'pod-kill' AND NOT "dryRun" AND "state" = 'SUCCEEDED' ORDER BY "queuedAt" DESC LIMIT 1) AS "runId",
      EXISTS (SELECT 1 FROM "ShareLink" WHERE "teamId" = ${teamId}) AS "shared"`;
}

/**
 * The guide of a user in a team: what is done, what comes next. `stored` is the user's
 * guideState when the caller has just read it.
 */
export async function loadGuide(userId: string, teamId: string, stored?: Prisma.JsonValue): Promise<Guide> {
  const [user, [facts]] = await Promise.all([
    stored !== undefined ? { guideState: stored } : db.user.findUnique({ where: { id: userId }, select: { guideState: true } }),
    teamFacts(teamId),
  ]);
  const state = parseState(user?.guideState);
  const ticked = new Set(state.done);
  const done: Record<GuideStep, boolean> = {
    kill: facts?.runId != null,
    watch: ticked.has("watch"),
    result: ticked.has("result"),
    share: facts?.shared === true,
  };
  return { dismissed: state.dismissed, done, current: GUIDE_STEPS.find((s) => !done[s]) ?? null, runId: facts?.runId ?? null, clusterId: facts?.clusterId ?? null };
}

/** Changes a user's guide state (dismiss, resume, tick a step); returns the new state. */
export async function updateGuide(userId: string, change: { dismissed?: boolean; tick?: GuideStep }): Promise<GuideState> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { guideState: true } });
  const state = parseState(user?.guideState);
  if (change.dismissed !== undefined) state.dismissed = change.dismissed;
  if (change.tick && !state.done.includes(change.tick)) state.done.push(change.tick);
  await db.user.update({ where: { id: userId }, data: { guideState: state } });
  return state;
}
