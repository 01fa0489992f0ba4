"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { auditActor, recordAudit } from "@/lib/audit";
import { haltTeam } from "@/lib/experiments";
import { abortedByOf, abortRun } from "@/lib/runs";
import { withTeamAction, type ActionResult } from "@/lib/tenancy";
import { STATE_LABELS } from "./run-format";
import { plural } from "@/lib/text";

const haltSchema = z.object({ slug: z.string().max(64) });
const abortSchema = z.object({ slug: z.string().max(64), runId: z.string().min(1).max(64) });

// Halt all: stop every pending run of the team; running ones roll back.
export async function haltAllRuns(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const parsed = haltSchema.safeParse({ slug: form.get("slug") });
  if (!parsed.success) return { ok: false, error: "Reload the page and try again." };
  return withTeamAction(parsed.data.slug, "runs:abort", async (ctx) => {
    const { cancelled, aborting } = await haltTeam(ctx.team.id, abortedByOf(ctx, "halt"));
    await recordAudit({
      action: "runs.halted",
      ...auditActor(ctx),
      targetType: "team",
      targetId: ctx.team.id,
      data: { cancelled, aborting },
    });
    revalidatePath(`/t/${ctx.team.slug}/runs`);
    if (cancelled + aborting === 0) return { ok: true, message: "No run was in progress." };
    // Only the parts that happened: "Halted: 2 running runs rolling back.", not "0 queued runs cancelled, …".
    const parts = [cancelled > 0 ? `${plural(cancelled, "queued run")} cancelled` : null, aborting > 0 ? `${plural(aborting, "running run")} rolling back` : null];
    return { ok: true, message: `Halted: ${parts.filter(Boolean).join(", ")}.` };
  });
}

// Abort one run: a queued run is cancelled, a running one stops and rolls back.
export async function abortRunAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const parsed = abortSchema.safeParse({ slug: form.get("slug"), runId: form.get("runId") });
  if (!parsed.success) return { ok: false, error: "Reload the page and try again." };
  return withTeamAction(parsed.data.slug, "runs:abort", async (ctx) => {
    const state = await abortRun(ctx.team.id, parsed.data.runId, abortedByOf(ctx));
    if (state === null) return { ok: false, error: "This run no longer exists." };
    await recordAudit({
      action: "run.abort_requested",
      ...auditActor(ctx),
      targetType: "run",
      targetId: parsed.data.runId,
      data: { state },
    });
    revalidatePath(`/t/${ctx.team.slug}/runs/${parsed.data.runId}`);
    if (state === "CANCELLED") return { ok: true, message: "The run was cancelled before it started." };
    if (state === "RUNNING" || state === "ROLLING_BACK") return { ok: true, message: "Abort requested: the run stops and rolls back what it changed." };
    return { ok: true, message: `The run had already finished (${STATE_LABELS[state]}).` };
  });
}
