"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { EXECUTION_LABELS } from "./format";
import { abortExecution, isVerdict, createExperiment, deleteExperiment, ExperimentError, experimentNameSchema, parseDefinition, planExperiment, startExecution, updateExperiment, type ExperimentPlan } from "@/lib/experiments";
import { RunRefusedError } from "@/lib/actions";

import { withTeamAction, type ActionResult } from "@/lib/tenancy";

// The editor's answers: field errors keyed by the definition's paths ("stages.0.faults.1.params",
// "checks.2.target.port"), besides "name" and "clusterId", so each shows next to its field.
export type SaveState = ActionResult & { conflict?: boolean };
export type DryRunState = ActionResult<ExperimentPlan>;

const saveSchema = z.object({
  slug: z.string().max(64),
  experimentId: z.string().max(64).optional(),
  expectedVersion: z.coerce.number().int().min(1).optional(),
  name: z.string().max(200),
  clusterId: z.string().max(64),
  definition: z.string().max(1_000_000),
});

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v : undefined;
};

/** The errors of a refused save, grouped by path, as the editor reads them. */
function byPath(errors: { path: string; message: string }[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of errors) {
    const list = (out[e.path] ??= []);
    if (!list.includes(e.message)) list.push(e.message);
  }
  return out;
}

/**
 * Every problem of a draft at once (the store stops at the first refused part: a person who
 * fixed the name should not then meet the definition's problems one save later).
 */
function problemsOf(name: string | null, definition: unknown): { path: string; message: string }[] {
  const named = name === null ? null : experimentNameSchema.safeParse(name);
  const parsed = parseDefinition(definition);
  return [...(named && !named.success ? [{ path: "name", message: named.error.issues[0]!.message }] : []), ...(parsed.ok ? [] : parsed.errors)];
}

const refusal = (problems: { path: string; message: string }[], what: string): SaveState => ({
  ok: false,
  error: problems.length > 1 ? `${problems.length} fields need a change before ${what}; each is marked.` : problems[0]!.message,
  fieldErrors: byPath(problems),
});

// Save: a new experiment (version 1) or a new version of one; then its page.
export async function saveExperimentAction(_prev: SaveState | null, form: FormData): Promise<SaveState> {
  const parsed = saveSchema.safeParse({
    slug: text(form, "slug"),
    experimentId: text(form, "experimentId") || undefined,
    expectedVersion: text(form, "expectedVersion") || undefined,
    name: text(form, "name") ?? "",
    clusterId: text(form, "clusterId") ?? "",
    definition: text(form, "definition") ?? "",
  });
  if (!parsed.success) return { ok: false, error: "Reload the page and try again." };
  const { slug, experimentId, expectedVersion, name, clusterId } = parsed.data;
  let definition: unknown;
  try {
    definition = JSON.parse(parsed.data.definition);
  } catch {
    return { ok: false, error: "The definition did not arrive whole; try saving again." };
  }
  return withTeamAction(slug, "runs:create", async (ctx) => {
    const problems = problemsOf(name, definition);
    if (problems.length > 0) return refusal(problems, "saving");
    let id: string;
    try {
      const saved = experimentId
        ? await updateExperiment(ctx, experimentId, { name, clusterId, definition, expectedVersion })
        : await createExperiment(ctx, { name, clusterId, definition });
      id = saved.id;
    } catch (err) {
      if (!(err instanceof ExperimentError)) throw err;
      if (err.code === "version-conflict") {
        return { ok: false, conflict: true, error: `${err.message} Your edits are still here: copy what you need from the YAML tab, then reload.` };
      }
      return err.errors.length > 0 ? refusal(err.errors, "saving") : { ok: false, error: err.message };
    }
    redirect(`/t/${ctx.team.slug}/experiments/${id}`);
  });
}

// Dry run: every fault step planned and every check evaluated once, for the editor's draft.
// Nothing is written; a definition that does not validate is refused as Save would refuse it.
export async function dryRunExperimentAction(_prev: DryRunState | null, form: FormData): Promise<DryRunState> {
  const parsed = saveSchema.safeParse({ slug: text(form, "slug"), name: text(form, "name") ?? "", clusterId: text(form, "clusterId") ?? "", definition: text(form, "definition") ?? "" });
  if (!parsed.success) return { ok: false, error: "Reload the page and try again." };
  let raw: unknown;
  try {
    raw = JSON.parse(parsed.data.definition);
  } catch {
    return { ok: false, error: "The definition did not arrive whole; try again." };
  }
  return withTeamAction(parsed.data.slug, "runs:create", async (ctx) => {
    const definition = parseDefinition(raw);
    if (!definition.ok) return refusal(definition.errors, "a dry run");
    try {
      return { ok: true, data: await planExperiment(ctx, { clusterId: parsed.data.clusterId, definition: definition.definition }) };
    } catch (err) {
      if (err instanceof ExperimentError) return { ok: false, error: err.message, fieldErrors: byPath(err.errors) };
      throw err;
    }
  });
}

const deleteSchema = z.object({ slug: z.string().max(64), experimentId: z.string().min(1).max(64) });

// Delete an experiment with its history (refused while it runs); then the list.
export async function deleteExperimentAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const parsed = deleteSchema.safeParse({ slug: form.get("slug"), experimentId: form.get("experimentId") });
  if (!parsed.success) return { ok: false, error: "Reload the page and try again." };
  return withTeamAction(parsed.data.slug, "runs:create", async (ctx) => {
    try {
      await deleteExperiment(ctx, parsed.data.experimentId);
    } catch (err) {
      if (err instanceof ExperimentError) return { ok: false, error: err.message };
      throw err;
    }
    redirect(`/t/${ctx.team.slug}/experiments`);
  });
}

export type RunState = ActionResult & { confirmReason?: string };

const runSchema = z.object({ slug: z.string().max(64), experimentId: z.string().min(1).max(64), confirm: z.string().trim().max(200).optional() });

// Run: start an execution of the experiment's current version; then its page. A plan that
// needs the typed confirmation comes back with its reason, and the button asks for the name.
export async function runExperimentAction(_prev: RunState | null, form: FormData): Promise<RunState> {
  const parsed = runSchema.safeParse({ slug: form.get("slug"), experimentId: form.get("experimentId"), confirm: text(form, "confirm") || undefined });
  if (!parsed.success) return { ok: false, error: "Reload the page and try again." };
  const { slug, experimentId, confirm } = parsed.data;
  return withTeamAction(slug, "runs:create", async (ctx) => {
    let executionId: string;
    try {
      executionId = (await startExecution(ctx, experimentId, { confirm, createdById: ctx.user?.id })).id;
    } catch (err) {
      if (!(err instanceof ExperimentError) && !(err instanceof RunRefusedError)) throw err;
      const code: string = err.code;
      if (code === "confirmation-required") return { ok: false, error: err.message, confirmReason: err.message, values: { confirm: confirm ?? "" } };
      return { ok: false, error: err.message };
    }
    redirect(`/t/${ctx.team.slug}/experiments/${experimentId}/executions/${executionId}`);
  });
}

const abortSchema = z.object({ slug: z.string().max(64), experimentId: z.string().min(1).max(64), executionId: z.string().min(1).max(64) });

// Abort: every active fault of the execution is aborted and rolled back; the verdict is "aborted".
export async function abortExecutionAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const parsed = abortSchema.safeParse({ slug: form.get("slug"), experimentId: form.get("experimentId"), executionId: form.get("executionId") });
  if (!parsed.success) return { ok: false, error: "Reload the page and try again." };
  const { slug, experimentId, executionId } = parsed.data;
  return withTeamAction(slug, "runs:abort", async (ctx) => {
    const state = await abortExecution(ctx, executionId);
    if (state === null) return { ok: false, error: "This execution no longer exists." };
    revalidatePath(`/t/${ctx.team.slug}/experiments/${experimentId}/executions/${executionId}`);
    if (state === "ABORTED") return { ok: true, message: "The execution is aborted." };
    if (isVerdict(state)) return { ok: true, message: `It had already ended: ${EXECUTION_LABELS[state]}.` };
    return { ok: true, message: "Abort requested: every active fault is stopped and rolled back." };
  });
}
