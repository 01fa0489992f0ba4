import { randomBytes } from "node:crypto";
import { addSandboxCluster, sandboxAdmin } from "@/lib/clusters";
import { db } from "@/lib/db";
import { createLogger } from "@/lib/log";
import type { TeamContext } from "@/lib/tenancy";
import { trialClusterLimits, trialSettings } from "./settings";

// Ready trial clusters, made ahead of time by the worker so that "Try it now" only moves one
// to the new trial team (start_trial, called by lib/trials/start-trial.ts) instead of
// creating, seeding and checking it while the visitor waits.
// They belong to a team nobody is a member of (its slug cannot come from slugify, which never
// makes two dashes in a row), so no one can open them until they are handed out.
export const POOL_SLUG = "trial--pool";
const log = createLogger("trials");

async function poolTeam() {
  return db.team.upsert({ where: { slug: POOL_SLUG }, create: { slug: POOL_SLUG, name: "Trial cluster pool" }, update: {}, select: { id: true, slug: true, name: true } });
}

/** Clusters waiting in the pool. */
export async function pooledClusterCount(): Promise<number> {
  return db.cluster.count({ where: { team: { slug: POOL_SLUG }, status: "CONNECTED" } });
}

/**
 * Creates pool clusters until `target` wait there (TRIAL_POOL_SIZE by default); returns how
 * many it made. It gives up for this time after a few failures (the next sweep tries again).
 */
export async function fillTrialPool(target = trialSettings().TRIAL_POOL_SIZE, concurrency = 2): Promise<number> {
  if (target <= 0) return 0;
  const team = await poolTeam();
  await dropLostPoolClusters(team.id);
  const missing = target - (await db.cluster.count({ where: { teamId: team.id } }));
  if (missing <= 0) return 0;
  const ctx: TeamContext = { team: { ...team, personal: false, isTrial: false }, role: "OWNER", user: null, tokenId: null };
  let started = 0;
  let made = 0;
  let failures = 0;
  const next = async (): Promise<void> => {
    while (started < missing && failures < 3) {
      started += 1;
      try {
        await addSandboxCluster(ctx, { name: `pooled-${randomBytes(6).toString("hex")}`, seed: "demo", limits: trialClusterLimits(trialSettings()) });
        made += 1;
      } catch (err) {
        failures += 1;
        log.warn({ err: err instanceof Error ? err.message : String(err) }, "a pool cluster could not be created");
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, missing) }, next));
  return made;
}

// A sandbox that restarted without its snapshot (SANDBOX_SNAPSHOT off) has forgotten the
// clusters it held: pool rows pointing at them would hand a visitor a cluster that is not there.
async function dropLostPoolClusters(teamId: string): Promise<void> {
  const admin = sandboxAdmin();
  if (!admin) return;
  // Rows written after the list was read may belong to clusters made meanwhile: left alone.
  const listedAt = new Date();
  const alive = (await admin.listClusters()).map((c) => c.id);
  const { count } = await db.cluster.deleteMany({ where: { teamId, kind: "SANDBOX", sandboxClusterId: { notIn: alive }, createdAt: { lt: listedAt } } });
  if (count > 0) log.warn({ count }, "pool clusters the sandbox no longer has were dropped");
}
