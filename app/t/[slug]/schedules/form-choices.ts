import { listActions } from "@/lib/actions";
import { db } from "@/lib/db";
import { timeZones } from "@/lib/schedules";
import { scoped, type TeamContext } from "@/lib/tenancy";

/** What the schedule form offers: the team's experiments and clusters, the actions, the time zones. */
export async function formChoices(ctx: TeamContext) {
  const [experiments, clusters] = await Promise.all([
    db.experiment.findMany({ where: scoped(ctx), orderBy: { name: "asc" }, select: { id: true, name: true } }),
    db.cluster.findMany({ where: scoped(ctx), orderBy: { name: "asc" }, select: { id: true, name: true } }),
  ]);
  return { experiments, clusters, actions: listActions().map((a) => ({ id: a.id, name: a.title })), zones: timeZones() };
}
