import { recordAudit } from "@/lib/audit";
import { db } from "@/lib/db";
import { createLogger } from "@/lib/log";
import { deleteTrialTeam } from "./delete-trial";

const log = createLogger("trials");

export interface ExpiryResult {
  expired: number;
  failed: number;
}

/**
 * Deletes every trial whose time ran out: its virtual cluster and all its rows. A trial whose
 * cluster could not be deleted stays for the next sweep. Safe to run twice at once.
 */
export async function expireTrials(now = new Date(), batch = 200): Promise<ExpiryResult> {
  const due = await db.team.findMany({
    where: { isTrial: true, trialExpiresAt: { lte: now } },
    select: { id: true, slug: true, trialExpiresAt: true },
    orderBy: { trialExpiresAt: "asc" },
    take: batch,
  });
  const result: ExpiryResult = { expired: 0, failed: 0 };
  for (const team of due) {
    try {
      if (!(await deleteTrialTeam(team.id))) continue;
      result.expired += 1;
      // The team's own audit events went with it; this one, team-less, says that it happened.
      await recordAudit({
        action: "trial.expired",
        targetType: "team",
        targetId: team.id,
        data: { slug: team.slug, expiredAt: team.trialExpiresAt?.toISOString() ?? null },
        meta: { ip: null, userAgent: null },
      });
    } catch (err) {
      result.failed += 1;
      log.warn({ teamId: team.id, err: err instanceof Error ? err.message : String(err) }, "trial could not be deleted; retrying at the next sweep");
    }
  }
  return result;
}
