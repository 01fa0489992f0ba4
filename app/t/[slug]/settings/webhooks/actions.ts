"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { withTeamAction, type ActionResult } from "@/lib/tenancy";
import { createWebhook, deleteWebhook, rotateWebhookSecret, sendTestWebhook, updateWebhook, WebhookError } from "@/lib/webhooks";

const slugField = z.string().max(64).catch("");
const idField = z.string().regex(/^[a-z0-9]{10,40}$/);

const page = (slug: string) => `/t/${slug}/settings/webhooks`;

function refused(err: unknown): ActionResult<never> {
  if (!(err instanceof WebhookError)) throw err;
  const fieldErrors = Object.fromEntries(Object.entries(err.errors).map(([k, v]) => [k, [v]]));
  return { ok: false, error: err.code === "invalid" ? "Check the highlighted fields." : err.message, fieldErrors };
}

// Add an endpoint (owners and admins); the team's secret is returned once, with the first one.
export async function createWebhookAction(_prev: ActionResult<{ secret: string | null }> | null, form: FormData): Promise<ActionResult<{ secret: string | null }>> {
  const values = {
    name: String(form.get("name") ?? "").slice(0, 200),
    url: String(form.get("url") ?? "").slice(0, 2100),
    events: form.getAll("events").map(String).join(","),
    format: String(form.get("format") ?? "generic"),
    scoreDropPoints: String(form.get("scoreDropPoints") ?? "10"),
  };
  const input = {
    name: values.name,
    url: values.url,
    events: form.getAll("events").map(String),
    format: values.format === "slack" ? "slack" : "generic",
    scoreDropPoints: values.scoreDropPoints,
  };
  return withTeamAction(slugField.parse(form.get("slug")), "team:update", async (ctx) => {
    try {
      // Validated there (scoreDropPoints comes as text from the form; the schema coerces it).
      const { endpoint, secret } = await createWebhook(ctx, input);
      revalidatePath(page(ctx.team.slug));
      return { ok: true, data: { secret }, message: `Endpoint “${endpoint.name}” added.` };
    } catch (err) {
      return { ...refused(err), values };
    }
  });
}

// Pause or resume an endpoint.
export async function toggleWebhookAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const id = idField.safeParse(form.get("webhookId"));
  if (!id.success) return { ok: false, error: "Choose an endpoint." };
  const enabled = form.get("enabled") === "true";
  return withTeamAction(slugField.parse(form.get("slug")), "team:update", async (ctx) => {
    try {
      const e = await updateWebhook(ctx, id.data, { enabled });
      revalidatePath(page(ctx.team.slug));
      return { ok: true, message: enabled ? `“${e.name}” resumed.` : `“${e.name}” paused: nothing is sent to it until it is resumed.` };
    } catch (err) {
      return refused(err);
    }
  });
}

// Delete an endpoint and its delivery log.
export async function deleteWebhookAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const id = idField.safeParse(form.get("webhookId"));
  if (!id.success) return { ok: false, error: "Choose an endpoint." };
  return withTeamAction(slugField.parse(form.get("slug")), "team:update", async (ctx) => {
    try {
      await deleteWebhook(ctx, id.data);
      revalidatePath(page(ctx.team.slug));
      return { ok: true, message: "Endpoint deleted." };
    } catch (err) {
      return refused(err);
    }
  });
}

// "Send test": a signed webhook.test delivery, queued; the log shows its outcome.
export async function testWebhookAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const id = idField.safeParse(form.get("webhookId"));
  if (!id.success) return { ok: false, error: "Choose an endpoint." };
  return withTeamAction(slugField.parse(form.get("slug")), "team:update", async (ctx) => {
    try {
      await sendTestWebhook(ctx, id.data);
      revalidatePath(page(ctx.team.slug));
      return { ok: true, message: "Test queued: its outcome appears in the delivery log below." };
    } catch (err) {
      return refused(err);
    }
  });
}

// Rotate the team's signing secret; the new one is shown once.
export async function rotateSecretAction(_prev: ActionResult<{ secret: string }> | null, form: FormData): Promise<ActionResult<{ secret: string }>> {
  return withTeamAction<{ secret: string }>(slugField.parse(form.get("slug")), "team:update", async (ctx) => {
    try {
      const secret = await rotateWebhookSecret(ctx);
      revalidatePath(page(ctx.team.slug));
      return { ok: true, data: { secret }, message: "New signing secret made; the old one no longer signs." };
    } catch (err) {
      return refused(err);
    }
  });
}
