import { describeCatalog } from "@/lib/actions";
import { db } from "@/lib/db";
import { scoped, type TeamContext } from "@/lib/tenancy";
import { fieldsFromSchema } from "@/app/_components/schema-fields";
import type { ActionChoice, ClusterChoice } from "../../run/run-form";

/** What the editor offers: the team's clusters and the action catalogue with each action's form fields. */
export async function editorChoices(ctx: TeamContext): Promise<{ clusters: ClusterChoice[]; actions: ActionChoice[] }> {
  const clusters = await db.cluster.findMany({ where: scoped(ctx), orderBy: { createdAt: "asc" }, select: { id: true, name: true, status: true } });
  const actions = describeCatalog().map((a) => ({ id: a.id, title: a.title, description: a.description, fields: fieldsFromSchema(a.paramsSchema) }));
  return { clusters, actions };
}
