import { sandboxAdminOf, shardOf } from "@/lib/clusters";
import { db } from "@/lib/db";

function isNotFound(err: unknown): boolean {
  return err instanceof Error && / 404 /.test(err.message);
}

/**
 * Deletes a trial team with everything in it: its virtual clusters first (a cluster already
 * gone counts as deleted), then the team's rows (runs, steps, logs, share links and audit
 * events go with it by cascade), then its guests. Teams a guest created besides the trial
 * (where every member is one of these guests) go too, so a trial cannot outlive its expiry.
 * Throws, leaving the rows for the next attempt, when a virtual cluster could not be deleted.
 * Safe to repeat. Returns false when the team was not (or no longer) a trial.
 */
export async function deleteTrialTeam(teamId: string): Promise<boolean> {
  const team = await db.team.findFirst({ where: { id: teamId, isTrial: true }, select: { id: true, memberships: { select: { userId: true } } } });
  if (!team) return false;
  const guests = (
    await db.user.findMany({ where: { id: { in: team.memberships.map((m) => m.userId) }, isGuest: true }, select: { id: true } })
  ).map((u) => u.id);
  const teams = await db.team.findMany({
    where: {
      OR: [
        { id: team.id },
        { memberships: { some: { userId: { in: guests } }, every: { userId: { in: guests } } } },
      ],
    },
    select: { id: true, clusters: { select: { sandboxClusterId: true, sandboxShard: true } } },
  });
  for (const c of teams.flatMap((t) => t.clusters)) {
    if (!c.sandboxClusterId) continue;
    // On its own shard; a shard that is down fails this, and the next sweep tries again.
    const admin = sandboxAdminOf(shardOf(c));
    if (!admin) throw new Error(`The sandbox shard "${shardOf(c)}" is not configured; trial clusters cannot be deleted`);
    await admin.deleteCluster(c.sandboxClusterId).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }
  const others = teams.map((t) => t.id).filter((id) => id !== team.id);
  await db.$transaction(async (tx) => {
    // isTrial again: a trial converted meanwhile keeps its rows (and so do the guest's teams).
    const deleted = await tx.team.deleteMany({ where: { id: team.id, isTrial: true } });
    if (deleted.count === 0) return;
    if (others.length) await tx.team.deleteMany({ where: { id: { in: others } } });
    await tx.user.deleteMany({ where: { id: { in: guests }, isGuest: true } });
  });
  return true;
}
