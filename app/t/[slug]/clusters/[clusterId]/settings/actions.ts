"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { ClusterError, clusterNameSchema, deleteCluster, findTeamCluster, recheckCluster, renameCluster } from "@/lib/clusters";
import { withTeamAction, type ActionResult } from "@/lib/tenancy";
import { fieldErrorsOf } from "@/lib/validation";

const target = { slug: z.string().min(1).max(64), clusterId: z.string().min(1).max(64) };
const INVALID: ActionResult = { ok: false, error: "The form was not filled in as expected. Reload the page and try again." };

function refused(err: unknown): ActionResult {
  if (err instanceof ClusterError) return { ok: false, error: err.message };
  throw err;
}

const renameSchema = z.object({ ...target, name: clusterNameSchema });

// Rename a cluster (owners and admins).
export async function renameClusterAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const raw = { slug: form.get("slug"), clusterId: form.get("clusterId"), name: form.get("name") };
  const parsed = renameSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      error: "Check the highlighted field.",
      fieldErrors: fieldErrorsOf(parsed.error),
      values: { name: String(raw.name ?? "").slice(0, 200) },
    };
  }
  const { slug, clusterId, name } = parsed.data;
  return withTeamAction(slug, "clusters:manage", async (ctx) => {
    try {
      await renameCluster(ctx, clusterId, name);
    } catch (err) {
      if (err instanceof ClusterError && err.code === "name-taken") {
        return { ok: false, error: err.message, fieldErrors: { name: [err.message] }, values: { name } };
      }
      return refused(err);
    }
    revalidatePath(`/t/${ctx.team.slug}/clusters`, "layout");
    return { ok: true, message: "Cluster renamed." };
  });
}

const targetSchema = z.object(target);

// Ask the cluster again: version, nodes, permissions.
export async function recheckClusterAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const parsed = targetSchema.safeParse({ slug: form.get("slug"), clusterId: form.get("clusterId") });
  if (!parsed.success) return INVALID;
  return withTeamAction(parsed.data.slug, "clusters:manage", async (ctx) => {
    try {
      const check = await recheckCluster(ctx, parsed.data.clusterId);
      revalidatePath(`/t/${ctx.team.slug}/clusters`, "layout");
      return check.ok
        ? { ok: true, message: "The cluster answered; the details below are current." }
        : { ok: false, error: `The cluster did not answer: ${check.message}` };
    } catch (err) {
      return refused(err);
    }
  });
}

const deleteSchema = z.object({ ...target, confirm: z.string().max(200) });

// Delete a cluster after its name was typed; a sandbox cluster's virtual cluster goes too.
export async function deleteClusterAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const parsed = deleteSchema.safeParse({ slug: form.get("slug"), clusterId: form.get("clusterId"), confirm: form.get("confirm") ?? "" });
  if (!parsed.success) return INVALID;
  const { slug, clusterId, confirm } = parsed.data;
  let deleted = false;
  const result = await withTeamAction(slug, "clusters:manage", async (ctx) => {
    try {
      const cluster = await findTeamCluster(ctx, clusterId);
      if (confirm.trim() !== cluster.name) {
        return {
          ok: false,
          error: "Type the cluster's name to confirm.",
          fieldErrors: { confirm: [`Type "${cluster.name}" exactly`] },
          values: { confirm },
        };
      }
      await deleteCluster(ctx, clusterId);
    } catch (err) {
      return refused(err);
    }
    revalidatePath(`/t/${ctx.team.slug}/clusters`, "layout");
    deleted = true;
    return { ok: true };
  });
  if (deleted) redirect(`/t/${slug}/clusters`);
  return result;
}
