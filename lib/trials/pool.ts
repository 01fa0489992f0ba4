import { randomBytes } from "node:crypto";
import { DEFAULT_SHARD, addSandboxCluster, downShards, sandboxAdminOf, sandboxShards, shardAnswers } from "@/lib/clusters";
import { db } from "@/lib/db";
import { createLogger } from "@/lib/log";
import type { TeamContext } from "@/lib/tenancy";
import { trialClusterLimits, trialSettings } from "./settings";

// Ready trial clusters, made ahead of time by the worker so that "Try it now" only moves one
// to the new trial team (start_trial, called by lib/trials/start-trial.ts) instead of
// creating, seeding and checking it while the visitor waits.
// One pool for all the sandbox shards, not one per shard: each pool cluster is made on the
// least loaded shard that answers, so the pool spreads itself over the shards, and a shard
// that goes down takes only its own pool clusters out of service (parked, below) while the
// others keep serving trials. A pool per shard would keep shards × size clusters idle and
// would still need this fallback when one shard is down.
// They belong to a team nobody is a member of (its slug cannot come from slugify, which never
// makes two dashes in a row), so no one can open them until they are handed out.
/** The slug of the pool's team (TRIAL_POOL_TEAM, "trial--pool" by default). */
export const poolSlug = () => trialSettings().TRIAL_POOL_TEAM;
const log = createLogger("trials");

async function poolTeam() {
  return db.team.upsert({ where: { slug: poolSlug() }, create: { slug: poolSlug(), name: "Trial cluster pool" }, update: {}, select: { id: true, slug: true, name: true } });
}

/** Clusters waiting in the pool. */
export async function pooledClusterCount(): Promise<number> {
  return db.cluster.count({ where: { team: { slug: poolSlug() }, status: "CONNECTED" } });
}

/**
 * Creates pool clusters until `target` wait there (TRIAL_POOL_SIZE by default); returns how
 * many it made. It gives up for this time after a few failures (the next sweep tries again).
 */
export async function fillTrialPool(target = trialSettings().TRIAL_POOL_SIZE, concurrency = 2): Promise<number> {
  if (target <= 0) return 0;
  const team = await poolTeam();
  await checkPoolShards(team.id);
  // Parked clusters (on a shard that is down) do not count: trials need ready ones now.
  const missing = target - (await db.cluster.count({ where: { teamId: team.id, status: "CONNECTED" } }));
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

// Rows of the pool on these shards (rows from before shards hold null: the default shard).
function onShards(shards: string[]) {
  return { OR: [{ sandboxShard: { in: shards } }, ...(shards.includes(DEFAULT_SHARD) ? [{ sandboxShard: null }] : [])] };
}

/**
 * Takes the pool clusters of shards that do not answer out of service (status UNREACHABLE,
 * which start_trial skips), so "Try it now" hands out only clusters that work. Asked before
 * each trial; a shard's health is cached for a moment, so this costs nothing most times.
 */
export async function parkPoolClustersOnDownShards(): Promise<void> {
  const down = await downShards();
  if (down.length === 0) return;
  await db.cluster.updateMany({ where: { team: { slug: poolSlug() }, kind: "SANDBOX", status: "CONNECTED", ...onShards(down) }, data: { status: "UNREACHABLE" } });
}

// Per shard: a shard that does not answer has its pool clusters parked; one that answers gets
// its parked clusters back, and loses the rows of clusters it no longer has (a sandbox that
// restarted without its snapshot, SANDBOX_SNAPSHOT off, has forgotten them: such rows would
// hand a visitor a cluster that is not there).
export async function checkPoolShards(teamId: string): Promise<void> {
  for (const shard of sandboxShards()) {
    const admin = sandboxAdminOf(shard.name)!;
    // Rows written after the list was read may belong to clusters made meanwhile: left alone.
    const listedAt = new Date();
    const listed = (await shardAnswers(shard.name)) ? await admin.listClusters().catch(() => null) : null;
    const where = { teamId, kind: "SANDBOX" as const, ...onShards([shard.name]) };
    if (!listed) {
      const { count } = await db.cluster.updateMany({ where: { ...where, status: "CONNECTED" }, data: { status: "UNREACHABLE" } });
      if (count > 0) log.warn({ shard: shard.name, count }, "pool clusters of a sandbox shard that does not answer were parked");
      continue;
    }
    const alive = listed.map((c) => c.id);
    const { count } = await db.cluster.deleteMany({ where: { ...where, sandboxClusterId: { notIn: alive }, createdAt: { lt: listedAt } } });
    if (count > 0) log.warn({ shard: shard.name, count }, "pool clusters the sandbox no longer has were dropped");
    await db.cluster.updateMany({ where: { ...where, status: "UNREACHABLE", sandboxClusterId: { in: alive } }, data: { status: "CONNECTED" } });
  }
}
