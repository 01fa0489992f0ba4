"use server";

import { revalidatePath } from "next/cache";
import { plural } from "@/lib/text";
import { z } from "zod";
import { ClusterError, addSandboxCluster, nextSandboxName } from "@/lib/clusters";
import { withTeamAction, type ActionResult } from "@/lib/tenancy";

const schema = z.object({ slug: z.string().min(1).max(64) });

// "Add a sandbox cluster": one click, a free name, connected and checked when it returns.
export async function addSandboxClusterAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const parsed = schema.safeParse({ slug: form.get("slug") });
  if (!parsed.success) return { ok: false, error: "The form was not filled in as expected. Reload the page and try again." };
  return withTeamAction(parsed.data.slug, "clusters:manage", async (ctx) => {
    try {
      const cluster = await addSandboxCluster(ctx, { name: await nextSandboxName(ctx) });
      revalidatePath(`/t/${ctx.team.slug}/clusters`);
      return {
        ok: true,
        message:
          cluster.status === "CONNECTED"
            ? `Sandbox cluster "${cluster.name}" is ready, with ${plural(cluster.nodeCount ?? 0, "node")} and the demo application.`
            : `Sandbox cluster "${cluster.name}" was created but does not answer yet: ${cluster.statusMessage ?? "try Re-check in its settings"}.`,
      };
    } catch (err) {
      if (err instanceof ClusterError) return { ok: false, error: err.message };
      throw err;
    }
  });
}
