import { randomBytes } from "node:crypto";
import { recordAudit, type RequestMeta } from "@/lib/audit";
import { addSandboxCluster, sandboxAdmin } from "@/lib/clusters";
import { db, type Team, type User } from "@/lib/db";
import { createLogger } from "@/lib/log";
import { createTeam } from "@/lib/teams/create-team";
import type { TeamContext } from "@/lib/tenancy";
import { TrialLimitError } from "./errors";
import { deleteTrialTeam } from "./delete-trial";
import { guestSessionCookie, type SessionCookie } from "./guest-session";
import { checkTrialsPerIp, takeTrialSlot } from "./limits";
import { claimPooledCluster } from "./pool";
import { trialSettings } from "./settings";

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

// Without a ready cluster in the pool: create, seed and check one now. A failure removes the
// trial again, so a visitor never lands in a team without its cluster.
async function newTrialCluster(team: Team, user: User, maxObjects: number): Promise<string> {
  const ctx: TeamContext = {
    team: { id: team.id, slug: team.slug, name: team.name, personal: team.personal, isTrial: true },
    role: "OWNER",
    user: { id: user.id, email: user.email, name: user.name },
    tokenId: null,
  };
  try {
    return (await addSandboxCluster(ctx, { name: TRIAL_CLUSTER_NAME, seed: "demo", limits: { maxObjects } })).id;
  } catch (err) {
    log.warn({ err: err instanceof Error ? err.message : String(err), teamId: team.id }, "trial cluster could not be created");
    await deleteTrialTeam(team.id);
    throw new TrialLimitError("sandbox-unavailable");
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
  if (!sandboxAdmin()) throw new TrialLimitError("sandbox-unavailable");

  const expiresAt = new Date(now.getTime() + settings.TRIAL_TTL_MINUTES * 60_000);
  const tag = randomBytes(4).toString("hex");
  const { user, team, pooled } = await db.$transaction(async (tx) => {
    const user = await tx.user.create({
      // guideState set: the guided first experiment shows for people who started with a trial.
      data: { name: "Guest", email: `guest-${tag}-${randomBytes(4).toString("hex")}@trial.invalid`, isGuest: true, guideState: { dismissed: false, done: [] } },
    });
    const team = await createTeam(tx, { name: `Trial ${tag}`, userId: user.id, isTrial: true, trialExpiresAt: expiresAt }, meta);
    const pooled = await claimPooledCluster(tx, team.id, TRIAL_CLUSTER_NAME, user.id);
    await recordAudit({ action: "trial.started", teamId: team.id, actorUserId: user.id, targetType: "team", targetId: team.id, data: { expiresAt: expiresAt.toISOString(), cluster: pooled ? "pool" : "new" }, meta }, tx);
    // Last, so that its lock is held only until the commit.
    await takeTrialSlot(tx);
    return { user, team, pooled };
  });

  const clusterId = pooled ?? (await newTrialCluster(team, user, settings.TRIAL_MAX_OBJECTS));
  const cookie = await guestSessionCookie(user, settings.TRIAL_TTL_MINUTES * 60);
  return { userId: user.id, teamSlug: team.slug, clusterId, expiresAt, cookie };
}

/** Where "Try it now" opens: the trial cluster's overview. */
export function trialLandingPath(trial: Pick<StartedTrial, "teamSlug" | "clusterId">): string {
  return `/t/${trial.teamSlug}/clusters/${trial.clusterId}`;
}
