"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { ClusterError, limitConnectionTests } from "@/lib/clusters";
import { withTeamAction, type ActionResult } from "@/lib/tenancy";
import {
  PrometheusConnectionError,
  connectionFromForm,
  prometheusOf,
  removePrometheus,
  setPrometheus,
  testPrometheus,
} from "@/lib/teams/prometheus";

/** What the connection form gets back: whether it saved, and the URL to keep in the field after a test. */
export type FormOutcome = { saved: boolean; url?: string };

const formSchema = z.object({
  slug: z.string().max(64),
  url: z.string().max(4096),
  bearerToken: z.string().max(8192),
  keepToken: z.boolean(),
});

function read(form: FormData) {
  return formSchema.safeParse({
    slug: form.get("slug"),
    url: String(form.get("url") ?? ""),
    bearerToken: String(form.get("bearerToken") ?? ""),
    keepToken: form.get("keepToken") === "on",
  });
}

// The typed URL comes back with an error (the token never does: it is not echoed to the page).
function refused(err: unknown, url: string): ActionResult<never> {
  const values = { url: url.slice(0, 2048) };
  if (err instanceof PrometheusConnectionError) return { ok: false, error: err.message, fieldErrors: { [err.field]: [err.message] }, values };
  if (err instanceof ClusterError) return { ok: false, error: err.message, values };
  throw err;
}

// The connection form's two buttons: "Test connection" (intent=test) and "Save" (owners and admins).
export async function prometheusFormAction(_prev: ActionResult<FormOutcome> | null, form: FormData): Promise<ActionResult<FormOutcome>> {
  return form.get("intent") === "test" ? runTest(form) : runSave(form);
}

// Test the typed connection, or the stored one when the URL field is empty. Like a kubeconfig's
// connection test it makes this server dial an address an admin chose, so it is rate-limited.
async function runTest(form: FormData): Promise<ActionResult<FormOutcome>> {
  const parsed = read(form);
  if (!parsed.success) return { ok: false, error: "The form could not be read; reload the page." };
  const { slug, url, bearerToken, keepToken } = parsed.data;
  return withTeamAction<FormOutcome>(slug, "team:update", async (ctx) => {
    try {
      const conn = url.trim() ? await connectionFromForm(ctx, { url, bearerToken, keepToken }) : await prometheusOf(ctx.team.id);
      if (!conn) return { ok: false, error: "Type the Prometheus URL to test.", fieldErrors: { url: ["Type the Prometheus URL to test."] }, values: { url } };
      await limitConnectionTests(ctx);
      const test = await testPrometheus(conn);
      // The typed URL stays in the field for the Save that usually follows.
      return test.ok ? { ok: true, message: test.message, data: { saved: false, url: url.slice(0, 2048) } } : { ok: false, error: test.message, values: { url } };
    } catch (err) {
      return refused(err, url);
    }
  });
}

// Set or replace the team's Prometheus after a test that passed.
async function runSave(form: FormData): Promise<ActionResult<FormOutcome>> {
  const parsed = read(form);
  if (!parsed.success) return { ok: false, error: "The form could not be read; reload the page." };
  const { slug, url, bearerToken, keepToken } = parsed.data;
  return withTeamAction<FormOutcome>(slug, "team:update", async (ctx) => {
    try {
      const conn = await connectionFromForm(ctx, { url, bearerToken, keepToken });
      await limitConnectionTests(ctx);
      const test = await setPrometheus(ctx, conn);
      revalidatePath(`/t/${ctx.team.slug}/settings`);
      return { ok: true, data: { saved: true }, message: `Prometheus saved. ${test.message}` };
    } catch (err) {
      return refused(err, url);
    }
  });
}

// Remove the team's Prometheus (owners and admins); its PromQL checks then end in error.
export async function removePrometheusAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const slug = form.get("slug");
  return withTeamAction(slug, "team:update", async (ctx) => {
    const removed = await removePrometheus(ctx);
    revalidatePath(`/t/${ctx.team.slug}/settings`);
    return { ok: true, message: removed ? "Prometheus removed." : "There was no Prometheus to remove." };
  });
}
