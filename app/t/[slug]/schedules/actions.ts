"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { createSchedule, deleteSchedule, LATE_POLICIES, previewSchedule, ScheduleError, updateSchedule } from "@/lib/schedules";
import { withTeamAction, type ActionResult } from "@/lib/tenancy";

const slugSchema = z.string().max(64);
const idSchema = z.string().min(1).max(64);

export type PreviewResult = { ok: true; times: string[]; description: string | null } | { ok: false; field: string; message: string };

// The live preview of the form: the next five times, or what is wrong with the expression.
export async function previewCron(slug: string, cron: string, timezone: string): Promise<PreviewResult> {
  const s = slugSchema.safeParse(slug);
  const c = z.string().max(200).safeParse(cron);
  const t = z.string().max(64).safeParse(timezone);
  if (!s.success || !c.success || !t.success) return { ok: false, field: "cron", message: "Enter a shorter cron expression." };
  // Only the schedule form, which needs runs:create, asks for a preview.
  const r = await withTeamAction(s.data, "runs:create", async () => ({ ok: true, data: previewSchedule(c.data, t.data) }));
  return r.ok ? r.data! : { ok: false, field: "cron", message: r.error };
}

const formSchema = z.object({
  slug: slugSchema,
  id: z.string().max(64).optional(),
  kind: z.enum(["experiment", "action"]),
  experimentId: z.string().max(64).optional(),
  actionId: z.string().max(64).optional(),
  clusterId: z.string().max(64).optional(),
  params: z.string().max(20_000).optional(),
  cron: z.string().max(200),
  timezone: z.string().max(64),
  latePolicy: z.enum(LATE_POLICIES),
});

const text = (form: FormData, k: string) => {
  const v = form.get(k);
  return typeof v === "string" ? v : undefined;
};

// Create or edit: the form's fields, the params as JSON checked by the action's own schema.
export async function saveSchedule(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const values = Object.fromEntries(["slug", "id", "kind", "experimentId", "actionId", "clusterId", "params", "cron", "timezone", "latePolicy"].map((k) => [k, text(form, k) ?? ""]));
  const parsed = formSchema.safeParse({ ...values, id: values.id || undefined });
  if (!parsed.success) return { ok: false, error: "Reload the page and try again.", values };
  const f = parsed.data;
  let params: Record<string, unknown> | undefined;
  if (f.kind === "action") {
    try {
      const raw: unknown = JSON.parse(f.params?.trim() || "{}");
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Error("not an object");
      params = raw as Record<string, unknown>;
    } catch {
      return { ok: false, error: "Fix the fields marked below.", fieldErrors: { params: ['Write the parameters as a JSON object, such as { "namespace": "shop" }.'] }, values };
    }
  }
  const target = f.kind === "experiment" ? { experimentId: f.experimentId || "" } : { actionId: f.actionId || "", clusterId: f.clusterId || "", params };
  const result = await withTeamAction(f.slug, "runs:create", async (ctx) => {
    try {
      if (f.id) await updateSchedule(ctx, f.id, { ...target, cron: f.cron, timezone: f.timezone, latePolicy: f.latePolicy });
      else await createSchedule(ctx, { ...target, cron: f.cron, timezone: f.timezone, latePolicy: f.latePolicy });
      return { ok: true };
    } catch (err) {
      if (!(err instanceof ScheduleError)) throw err;
      const fieldErrors = Object.fromEntries(Object.entries(err.errors).map(([k, v]) => [k, [v]]));
      return { ok: false, error: err.code === "invalid" ? "Fix the fields marked below." : err.message, fieldErrors, values };
    }
  });
  if (!result.ok) return result;
  revalidatePath(`/t/${f.slug}/schedules`);
  redirect(`/t/${f.slug}/schedules`);
}

const rowSchema = z.object({ slug: slugSchema, id: idSchema });

export async function setSchedulePaused(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const parsed = rowSchema.extend({ pause: z.enum(["true", "false"]) }).safeParse({ slug: form.get("slug"), id: form.get("id"), pause: form.get("pause") });
  if (!parsed.success) return { ok: false, error: "Reload the page and try again." };
  return withTeamAction(parsed.data.slug, "runs:create", async (ctx) => {
    try {
      await updateSchedule(ctx, parsed.data.id, { enabled: parsed.data.pause === "false" });
    } catch (err) {
      if (err instanceof ScheduleError) return { ok: false, error: err.message };
      throw err;
    }
    revalidatePath(`/t/${ctx.team.slug}/schedules`);
    return { ok: true, message: parsed.data.pause === "true" ? "Paused." : "Resumed." };
  });
}

export async function removeSchedule(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const parsed = rowSchema.safeParse({ slug: form.get("slug"), id: form.get("id") });
  if (!parsed.success) return { ok: false, error: "Reload the page and try again." };
  return withTeamAction(parsed.data.slug, "runs:create", async (ctx) => {
    try {
      await deleteSchedule(ctx, parsed.data.id);
    } catch (err) {
      if (err instanceof ScheduleError) return { ok: false, error: err.message };
      throw err;
    }
    revalidatePath(`/t/${ctx.team.slug}/schedules`);
    return { ok: true, message: "Deleted." };
  });
}
