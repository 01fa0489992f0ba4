import { db } from "@/lib/db";
import { auditActor, recordAudit } from "@/lib/audit";
import { scoped, type TeamContext } from "@/lib/tenancy";

/** Renames the context's team and audits the change, in one transaction. */
export async function renameTeam(ctx: TeamContext, name: string): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.team.update({ where: { id: scoped(ctx).teamId }, data: { name } });
    await recordAudit(
      {
        action: "team.renamed",
        ...auditActor(ctx),
        targetType: "team",
        targetId: ctx.team.id,
        data: { from: ctx.team.name, to: name },
      },
      tx,
    );
  });
}
