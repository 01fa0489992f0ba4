import { sandboxAdmin } from "@/lib/clusters";
import { db } from "@/lib/db";

function isNotFound(err: unknown): boolean {
  return err instanceof Error && / 404 /.test(err.message);
}

/**
 * Deletes a trial team with everything in it: its virtual clusters first (a cluster already
 * gone counts as deleted), then the team's rows (runs, steps, logs, share links and audit
 * events go with it by cascade), then the guests who belonged to no other team.
 * Throws, leaving the rows for the next attempt, when a virtual cluster could not be deleted.
 * Safe to repeat. Returns false when the team was not (or no longer) a trial.
 */
export async function deleteTrialTeam(teamId: string): Promise<boolean> {
  const team = await db.team.findFirst({
    where: { id: teamId, isTrial: true },
    select: { id: true, clusters: { select: { sandboxClusterId: true } }, memberships: { select: { userId: true } } },
  });
  if (!team) return false;
  const admin = sandboxAdmin();
  for (const c of team.clusters) {
    if (!c.sandboxClusterId) continue;
    if (!admin) throw new Error("The sandbox admin interface is not configured; trial clusters cannot be deleted");
    await admin.deleteCluster(c.sandboxClusterId).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }
  const guestIds = team.memberships.map((m) => m.userId);
  await db.$transaction(async (tx) => {
    // isTrial again: a trial converted meanwhile keeps its rows.
    await tx.team.deleteMany({ where: { id: team.id, isTrial: true } });
    await tx.user.deleteMany({ where: { id: { in: guestIds }, isGuest: true, memberships: { none: {} } } });
  });
  return true;
}
