import { z } from "zod";
import { db, type Prisma } from "@/lib/db";
import { VERDICT_STATES } from "@/lib/experiments/states";

import { CART_POD_EXPERIMENT, ZONE_EXPERIMENT } from "./trial-experiment-names";

// The guided first experiment, on the two experiments every trial finds on its demo shop: run
// the one that passes, read its verdict, run the one whose stop condition trips and see every
// fault rolled back, share an execution. Steps that leave a trace in the data (an execution, a
// share link) are read from it; reading the verdict is ticked by the visitor. Dismissal and
// ticks are kept per user.
export const GUIDE_STEPS = ["run", "verdict", "trip", "share"] as const;
export type GuideStep = (typeof GUIDE_STEPS)[number];

const stateSchema = z.object({
  dismissed: z.boolean().default(false),
  // Ticks of steps the guide no longer has (an earlier guide's) are dropped, not an error.
  done: z
    .array(z.string())
    .default([])
    .transform((ids) => ids.filter((id): id is GuideStep => (GUIDE_STEPS as readonly string[]).includes(id))),
});
export type GuideState = z.infer<typeof stateSchema>;

export interface Guide {
  dismissed: boolean;
  done: Record<GuideStep, boolean>;
  /** The first step not done, or null when the experiment is complete. */
  current: GuideStep | null;
  /** The team's first sandbox cluster, where the experiments happen; null when it has none. */
  clusterId: string | null;
  /** The two experiments of the trial, when the team has them (null: deleted or renamed). */
  passId: string | null;
  tripId: string | null;
}

function parseState(value: Prisma.JsonValue | null | undefined): GuideState {
  const parsed = stateSchema.safeParse(value ?? {});
  return parsed.success ? parsed.data : { dismissed: false, done: [] };
}

// What the team's data says about the guide, in one statement: it renders above every page
// of a trial team.
function teamFacts(teamId: string) {
  return db.$queryRaw<{ clusterId: string | null; passId: string | null; tripId: string | null; passRan: boolean; tripEnded: boolean; shared: boolean }[]>`
    WITH e AS (SELECT "id", "name" FROM "Experiment" WHERE "teamId" = ${teamId} AND "name" IN (${CART_POD_EXPERIMENT}, ${ZONE_EXPERIMENT}))
    SELECT
      (SELECT "id" FROM "Cluster" WHERE "teamId" = ${teamId} AND "kind" = 'SANDBOX' ORDER BY "createdAt" LIMIT 1) AS "clusterId",
      (SELECT "id" FROM e WHERE "name" = ${CART_POD_EXPERIMENT}) AS "passId",
      (SELECT "id" FROM e WHERE "name" = ${ZONE_EXPERIMENT}) AS "tripId",
      EXISTS (SELECT 1 FROM "ExperimentExecution" x JOIN e ON e."id" = x."experimentId" WHERE x."teamId" = ${teamId} AND e."name" = ${CART_POD_EXPERIMENT}) AS "passRan",
      EXISTS (SELECT 1 FROM "ExperimentExecution" x JOIN e ON e."id" = x."experimentId" WHERE x."teamId" = ${teamId} AND e."name" = ${ZONE_EXPERIMENT} AND x."state"::text = ANY(${[...VERDICT_STATES]})) AS "tripEnded",
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
    run: facts?.passRan === true,
    verdict: ticked.has("verdict"),
    trip: facts?.tripEnded === true,
    share: facts?.shared === true,
  };
  return {
    dismissed: state.dismissed,
    done,
    current: GUIDE_STEPS.find((s) => !done[s]) ?? null,
    clusterId: facts?.clusterId ?? null,
    passId: facts?.passId ?? null,
    tripId: facts?.tripId ?? null,
  };
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
