import { RunRefusedError } from "@/lib/actions/errors";
import { hit, type Limit } from "@/lib/auth/throttle";
import type { Prisma } from "@/lib/db";
import { TrialLimitError } from "./errors";
import { trialSettings } from "./settings";

type Tx = Prisma.TransactionClient;

function perIpLimit(): Limit {
  return { bucket: "trial:ip", max: trialSettings().TRIAL_PER_IP_PER_HOUR, windowSeconds: 3600 };
}

/** Counts a trial start against the client address; throws when the address is over its hourly limit. */
export async function checkTrialsPerIp(ip: string | null): Promise<void> {
  // Without an address there is no fair bucket: one shared by every such visitor lets one of
  // them use up everybody's trials. Only an app started outside server.mjs with no proxy
  // configured lacks addresses (lib/audit/client-ip.ts).
  if (!ip) throw new TrialLimitError("no-address");
  const result = await hit(perIpLimit(), ip);
  if (!result.allowed) {
    throw new TrialLimitError("per-ip", result.retryAfterSeconds);
  }
}

/** Trials whose time has not run out, everywhere. */
export function countActiveTrials(tx: Pick<Tx, "team">, now = new Date()): Promise<number> {
  return tx.team.count({ where: { isTrial: true, trialExpiresAt: { gt: now } } });
}

/**
 * Refuses a run of a trial team that has used all its runs. Called by startRun inside the
 * transaction that records the run (under the team's run lock), so it cannot be raced.
 */
export async function checkTrialRuns(tx: Pick<Tx, "run">, team: { id: string; isTrial: boolean }): Promise<void> {
  if (!team.isTrial) return;
  const max = trialSettings().TRIAL_MAX_RUNS;
  const used = await tx.run.count({ where: { teamId: team.id, dryRun: false } });
  if (used >= max) {
    throw new RunRefusedError(
      "trial-limit",
      `This trial has used its ${max} runs. Create a free account to keep going: your cluster and your runs come with you.`,
      { used, limit: max },
    );
  }
}
