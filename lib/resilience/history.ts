import { db } from "@/lib/db";
import { scoped, type TeamContext } from "@/lib/tenancy";

/** The execution of the same experiment queued just before this one, or null (the first, or not the team's). */
export async function previousExecutionId(ctx: TeamContext, execution: { id: string; experimentId: string; queuedAt: Date }): Promise<string | null> {
  const prev = await db.experimentExecution.findFirst({
    where: { ...scoped(ctx), experimentId: execution.experimentId, queuedAt: { lt: execution.queuedAt }, id: { not: execution.id } },
    orderBy: { queuedAt: "desc" },
    select: { id: true },
  });
  return prev?.id ?? null;
}
