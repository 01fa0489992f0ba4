import { runnerSettings } from "@/lib/actions/faults/runner-settings";
import { auditActor, recordAudit } from "@/lib/audit";
import { db } from "@/lib/db";
import { scoped, type TeamContext } from "@/lib/tenancy";
import { TeamRuleError } from "./errors";

/** What the settings page shows: the team's own image (null = the installation's) and the installation's. */
export interface RunnerImageSummary {
  image: string | null;
  installationDefault: string;
  allowedRegistries: string[];
}

export async function runnerImageSummary(ctx: TeamContext): Promise<RunnerImageSummary> {
  const team = await db.team.findUniqueOrThrow({ where: { id: scoped(ctx).teamId }, select: { faultRunnerImage: true } });
  const settings = runnerSettings();
  return { image: team.faultRunnerImage, installationDefault: settings.PYSTOL_RUNNER_IMAGE, allowedRegistries: settings.PYSTOL_RUNNER_IMAGE_REGISTRIES };
}

/**
 * Sets the team's fault runner image (already checked by teamRunnerImageSchema), or null to
 * use the installation's again; audited in the same transaction. A trial team keeps the
 * installation's: its sandbox simulates that one, and strangers choose no image a cluster pulls.
 * Returns whether anything changed.
 */
export async function setRunnerImage(ctx: TeamContext, image: string | null): Promise<boolean> {
  if (ctx.team.isTrial) throw new TeamRuleError("A trial uses the installation's fault runner image. Keep the trial as an account to choose your own.");
  return db.$transaction(async (tx) => {
    const where = { id: scoped(ctx).teamId };
    const before = (await tx.team.findUniqueOrThrow({ where, select: { faultRunnerImage: true } })).faultRunnerImage;
    if (before === image) return false;
    await tx.team.update({ where, data: { faultRunnerImage: image } });
    await recordAudit(
      {
        action: image === null ? "team.runner-image.reset" : "team.runner-image.set",
        ...auditActor(ctx),
        targetType: "team",
        targetId: ctx.team.id,
        data: { image: image ?? "", before: before ?? "" },
      },
      tx,
    );
    return true;
  });
}
