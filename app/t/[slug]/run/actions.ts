"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { randomBytes } from "node:crypto";
import { describeAction, getAction, RunRefusedError, targetKey, type Plan } from "@/lib/actions";
import { auditActor, recordAudit, requestMeta } from "@/lib/audit";
import { planRun, startRun } from "@/lib/runs";
import { withTeamAction, type ActionResult, type TeamContext } from "@/lib/tenancy";
import { fieldErrorsOf } from "@/lib/validation";
import { FIELD_PREFIX, fieldsFromSchema, paramsFromForm } from "@/app/_components/schema-fields";

/** What the Run page shows after "Plan": exactly what the run would hit. */
export interface PlanView {
  plan: Plan;
  /** Why Start run needs the typed confirmation, or null. */
  confirmReason: string | null;
  actionId: string;
  clusterId: string;
  /** Sent back with "Start run", so the run repeats this plan's choice or is refused. */
  planSeed: string;
  targetKeys: string[];
}

export type RunFormState = (ActionResult<PlanView> & { refused?: string }) | null;

const formSchema = z.object({
  slug: z.string().max(64),
  intent: z.enum(["plan", "start"]),
  clusterId: z.string().min(1, "Choose a cluster.").max(64),
  actionId: z.string().min(1, "Choose an action.").max(64),
  confirm: z.string().trim().max(100).optional(),
  planSeed: z.string().min(8).max(100).optional(),
  expectedTargets: z.string().max(1_000_000).optional(),
});

// The confirmed plan's targets, as the hidden field carries them (a JSON list of keys).
const targetKeysSchema = z.array(z.string().max(600)).max(10_000);
function parseExpected(raw: string | undefined): string[] | undefined {
  if (!raw) return undefined;
  try {
    const parsed = targetKeysSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v.slice(0, 200) : "";
};

// Param errors and values travel with the "p." prefix, beside the form's own fields.
const prefixed = <T,>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [`${FIELD_PREFIX}${k}`, v]));

async function audit(ctx: TeamContext, action: string, data: Record<string, string | number>, runId?: string) {
  await recordAudit({
    action,
    ...auditActor(ctx),
    targetType: runId ? "run" : undefined,
    targetId: runId,
    data,
  });
}

// Plan (the dry run: nothing is written) or start a run; a start goes to the run's page.
export async function planOrStartRun(_prev: RunFormState, form: FormData): Promise<RunFormState> {
  const own = { clusterId: text(form, "clusterId"), actionId: text(form, "actionId"), confirm: text(form, "confirm") };
  const pinned = { planSeed: text(form, "planSeed") || undefined, expectedTargets: form.get("expectedTargets") ?? undefined };
  const parsed = formSchema.safeParse({ slug: form.get("slug"), intent: form.get("intent"), ...own, confirm: own.confirm || undefined, ...pinned });
  const action = parsed.success ? getAction(parsed.data.actionId) : undefined;
  const fields = action ? fieldsFromSchema(describeAction(action).paramsSchema) : [];
  const read = paramsFromForm(fields, form);
  const values = { ...own, ...prefixed(read.raw) };
  if (!parsed.success || !action) {
    const fieldErrors = parsed.success ? { actionId: ["Choose an action from the list."] } : fieldErrorsOf(parsed.error);
    return { ok: false, error: "Check the highlighted fields.", fieldErrors, values };
  }
  const checked = Object.keys(read.fieldErrors).length === 0 ? action.params.safeParse(read.params) : undefined;
  if (!checked?.success) {
    const byField = checked ? fieldErrorsOf(checked.error) : read.fieldErrors;
    const { "": whole, ...perField } = byField;
    return { ok: false, error: whole?.join(" ") ?? "Check the highlighted parameters.", fieldErrors: prefixed(perField), values };
  }
  const { slug, intent, clusterId, confirm, planSeed } = parsed.data;
  const expectedTargets = parseExpected(parsed.data.expectedTargets);
  return withTeamAction(slug, "runs:create", async (ctx) => {
    const request = { teamId: ctx.team.id, clusterId, actionId: action.id, params: read.params };
    if (intent === "plan") {
      try {
        const seed = randomBytes(16).toString("base64url");
        const { plan, confirmReason } = await planRun({ ...request, planSeed: seed });
        return { ok: true, data: { plan, confirmReason, actionId: action.id, clusterId, planSeed: seed, targetKeys: plan.targets.map(targetKey) } };
      } catch (err) {
        if (!(err instanceof RunRefusedError)) throw err;
        return { ok: false, error: err.message, refused: err.code, values };
      }
    }
    let runId: string;
    try {
      const meta = await requestMeta();
      const { run } = await startRun(
        { ...request, confirm, createdById: ctx.user?.id, planSeed, expectedTargets },
        { audit: (r, p) => ({ action: "run.started", ...auditActor(ctx), targetType: "run", targetId: r.id, data: { actionId: action.id, clusterId, targets: p.targets.length }, meta }) },
      );
      runId = run.id;
    } catch (err) {
      if (!(err instanceof RunRefusedError)) throw err;
      await audit(ctx, "run.refused", { actionId: action.id, clusterId, reason: err.code });
      const fieldErrors = err.code === "confirmation-required" ? { confirm: [`Type ${action.id} here to start this run.`] } : undefined;
      return { ok: false, error: err.message, refused: err.code, fieldErrors, values };
    }
    redirect(`/t/${ctx.team.slug}/runs/${runId}`);
  });
}
