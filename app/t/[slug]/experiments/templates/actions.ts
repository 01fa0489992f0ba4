"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { createExperiment, ExperimentError, experimentNameSchema } from "@/lib/experiments";
import { buildFromTemplate, getTemplate, templateFields } from "@/lib/experiments/templates";
import { withTeamAction, type ActionResult } from "@/lib/tenancy";

const formSchema = z.object({
  slug: z.string().max(64),
  templateId: z.string().max(64),
  name: z.string().max(200),
  clusterId: z.string().max(64),
});

// Create an experiment from a template: its parameters checked field by field, the definition
// it makes saved as version 1 of a new experiment; then the experiment's page, to dry-run or run it.
export async function createFromTemplateAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const parsed = formSchema.safeParse({ slug: form.get("slug"), templateId: form.get("templateId"), name: form.get("name") ?? "", clusterId: form.get("clusterId") ?? "" });
  if (!parsed.success) return { ok: false, error: "Reload the page and try again." };
  const { slug, templateId, name, clusterId } = parsed.data;
  const template = getTemplate(templateId);
  if (!template) return { ok: false, error: "There is no such template; choose one from the list." };
  const values: Record<string, string> = {};
  for (const f of templateFields(template)) {
    const v = form.get(`p.${f.key}`);
    if (typeof v === "string") values[f.key] = v.slice(0, 1000);
  }
  return withTeamAction(slug, "runs:create", async (ctx) => {
    const echo = { name, clusterId, ...Object.fromEntries(Object.entries(values).map(([k, v]) => [`p.${k}`, v])) };
    const built = buildFromTemplate(template, values);
    const named = experimentNameSchema.safeParse(name);
    const fieldErrors: Record<string, string[]> = {};
    if (!named.success) fieldErrors.name = [named.error.issues[0]!.message];
    if (!built.ok) for (const [k, v] of Object.entries(built.fieldErrors)) fieldErrors[k ? `p.${k}` : ""] = v;
    if (!clusterId) fieldErrors.clusterId = ["Choose the cluster to run it on."];
    if (Object.keys(fieldErrors).length > 0 || !built.ok || !named.success) {
      const n = Object.keys(fieldErrors).length;
      const whole = fieldErrors[""]?.join(" ");
      // The field's own message is under it: the summary only counts.
      return { ok: false, error: whole ?? (n > 1 ? `${n} fields need a change; each is marked.` : "One field needs a change; it is marked."), fieldErrors, values: echo };
    }
    let id: string;
    try {
      id = (await createExperiment(ctx, { name: named.data, clusterId, definition: built.definition })).id;
    } catch (err) {
      if (!(err instanceof ExperimentError)) throw err;
      const errors: Record<string, string[]> = {};
      for (const e of err.errors) (errors[e.path === "name" || e.path === "clusterId" ? e.path : ""] ??= []).push(e.message);
      if (err.code === "name-taken") errors.name = [err.message];
      return { ok: false, error: err.message, fieldErrors: errors, values: echo };
    }
    redirect(`/t/${ctx.team.slug}/experiments/${id}`);
  });
}
