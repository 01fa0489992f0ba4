import { randomBytes } from "node:crypto";
import type { RequestMeta } from "@/lib/audit";
import { addSandboxCluster, sandboxShards } from "@/lib/clusters";
import { createId, db, postgresErrorCode, type Team, type User } from "@/lib/db";
import { createLogger } from "@/lib/log";
import type { TeamContext } from "@/lib/tenancy";
import { TrialLimitError } from "./errors";
import { deleteTrialTeam } from "./delete-trial";
import { guestSessionCookie, type SessionCookie } from "./guest-session";
import { checkTrialsPerIp } from "./limits";
import { parkPoolClustersOnDownShards, poolSlug } from "./pool";
import { trialClusterLimits, trialSettings } from "./settings";
import { createTrialExperiments } from "./trial-experiments";

const log = createLogger("trials");

/** Name of the sandbox cluster every trial gets. */
export const TRIAL_CLUSTER_NAME = "demo-shop";

export interface StartedTrial {
  userId: string;
  teamSlug: string;
  clusterId: string;
  expiresAt: Date;
  /** The guest's session cookie: set it on the response that answers "Try it now". */
  cookie: SessionCookie;
}

// The guest as owner of its trial team, for what the trial creates on its behalf.
function trialContext(team: Pick<Team, "id" | "slug" | "name" | "personal">, user: Pick<User, "id" | "email" | "name">): TeamContext {
  return {
    team: { id: team.id, slug: team.slug, name: team.name, personal: team.personal, isTrial: true },
    role: "OWNER",
    user: { id: user.id, email: user.email, name: user.name },
    tokenId: null,
  };
}

// Without a ready cluster in the pool: create, seed and check one now. A failure removes the
// trial again, so a visitor never lands in a team without its cluster.
async function newTrialCluster(ctx: TeamContext, limits: ReturnType<typeof trialClusterLimits>): Promise<string> {
  const team = ctx.team;
  try {
    return (await addSandboxCluster(ctx, { name: TRIAL_CLUSTER_NAME, seed: "demo", limits })).id;
  } catch (err) {
    log.warn({ err: err instanceof Error ? err.message : String(err), teamId: team.id }, "trial cluster could not be created");
    await deleteTrialTeam(team.id);
    throw new TrialLimitError("sandbox-unavailable");
  }
}

// SQLSTATEs of start_trial (migration start_trial): over the active-trials limit, slug taken.
const OVER_ACTIVE_TRIALS = "PR002";
const SLUG_TAKEN = "PR003";

/**
 * Writes the trial in one statement (start_trial): the guest, the team and membership, a ready
 * cluster from the pool when there is one, the audit events and a place among the active
 * trials. Returns the rows it made and the pooled cluster's id, or null.
 */
async function insertTrial(meta: RequestMeta, expiresAt: Date) {
  for (let attempt = 0; ; attempt++) {
    const tag = randomBytes(4).toString("hex");
    const user = { id: createId(), name: "Guest", email: `guest-${tag}-${randomBytes(4).toString("hex")}@trial.invalid`, sessionVersion: 0 };
    const team = { id: createId(), slug: `trial-${tag}`, name: `Trial ${tag}`, personal: false };
    // guideState set: the guided first experiment shows for people who started with a trial.
    const guide = JSON.stringify({ dismissed: false, done: [] });
    try {
      const rows = await db.$queryRaw<{ pooled: string | null }[]>`
        SELECT "start_trial"(${user.id}::text, ${user.email}::text, ${guide}::jsonb, ${team.id}::text, ${team.slug}::text,
          ${team.name}::text, ${expiresAt}::timestamp(3), ${createId()}::text, ${TRIAL_CLUSTER_NAME}::text, ${poolSlug()}::text,
          ${meta.ip}::text, ${meta.userAgent}::text, ${trialSettings().TRIAL_MAX_ACTIVE}::integer) AS "pooled"`;
      return { user, team, pooled: rows[0]?.pooled ?? null };
    } catch (err) {
      const code = postgresErrorCode(err);
      if (code === OVER_ACTIVE_TRIALS) throw new TrialLimitError("active");
      if (code !== SLUG_TAKEN || attempt >= 2) throw err;
    }
  }
}

/**
 * "Try it now": checks the limits, then creates a guest user, a trial team it owns and a
 * private sandbox cluster with the demo application, and mints the guest's session.
 * Throws TrialLimitError with a message for the visitor when a limit refuses.
 */
export async function startTrial(meta: RequestMeta, now = new Date()): Promise<StartedTrial> {
  const settings = trialSettings();
  await checkTrialsPerIp(meta.ip);
  if (sandboxShards().length === 0) throw new TrialLimitError("sandbox-unavailable");
  // A pool cluster on a shard that is down must not be handed out: a new trial lands on a
  // shard that answers (its own new cluster goes to the least loaded one that does).
  await parkPoolClustersOnDownShards();

  const expiresAt = new Date(now.getTime() + settings.TRIAL_TTL_MINUTES * 60_000);
  const { user, team, pooled } = await insertTrial(meta, expiresAt);
  const ctx = trialContext(team, user);
  const clusterId = pooled ?? (await newTrialCluster(ctx, trialClusterLimits(settings)));
  // The guide's experiments: one that passes, one whose stop condition trips.
  await createTrialExperiments(ctx, clusterId, meta);
  const cookie = await guestSessionCookie(user, settings.TRIAL_TTL_MINUTES * 60);
  return { userId: user.id, teamSlug: team.slug, clusterId, expiresAt, cookie };
}

/** Where "Try it now" opens: the trial cluster's overview. */
export function trialLandingPath(trial: Pick<StartedTrial, "teamSlug" | "clusterId">): string {
  return `/t/${trial.teamSlug}/clusters/${trial.clusterId}`;
}
