"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { ExperimentError } from "@/lib/experiments";
import { applyExperimentFile, type ApplyOutcome } from "@/lib/experiments/apply";
import type { DiffLine } from "@/lib/experiments/line-diff";
import { whereOf } from "@/lib/experiments/where";
import { withTeamAction, type ActionResult } from "@/lib/tenancy";

/** A problem of the file as the form lists it. */
export interface ImportProblem {
  line?: number;
  column?: number;
  where: string;
  message: string;
}

export type ImportState = ActionResult<{ outcome: ApplyOutcome; name: string; experimentId: string | null; version: number | null; diff: DiffLine[] }> & {
  problems?: ImportProblem[];
};

const importSchema = z.object({
  slug: z.string().max(64),
  file: z.string().max(300_000),
  clusterId: z.string().max(64),
  preview: z.enum(["yes", "no"]),
});

// Import: apply a file to the team, as `pystol experiments apply` does: it creates the
// experiment of its name, saves a new version when the file differs, or changes nothing.
// "Preview" answers what would happen with the diff and saves nothing. The cluster chosen in
// the form is used when the file names none and the experiment is new.
export async function importExperimentAction(_prev: ImportState | null, form: FormData): Promise<ImportState> {
  const parsed = importSchema.safeParse({ slug: form.get("slug"), file: form.get("file") ?? "", clusterId: form.get("clusterId") ?? "", preview: form.get("preview") ?? "no" });
  if (!parsed.success) return { ok: false, error: "The file is larger than 256 KiB, or the form did not arrive whole; reload the page and try again." };
  const { slug, file, clusterId, preview } = parsed.data;
  if (!file.trim()) return { ok: false, error: "Choose a file or paste its text first." };
  return withTeamAction(slug, "runs:create", async (ctx) => {
    let id: string | null;
    try {
      const r = await applyExperimentFile(ctx, file, { dryRun: preview === "yes", defaultClusterId: clusterId || undefined });
      id = r.experiment?.id ?? null;
      if (preview === "yes" || r.outcome === "unchanged" || !id) {
        return { ok: true, data: { outcome: r.outcome, name: r.experiment?.name ?? "", experimentId: id, version: r.experiment?.version ?? null, diff: r.diff } };
      }
    } catch (err) {
      if (!(err instanceof ExperimentError)) throw err;
      const problems = err.errors.map((e) => ({ line: e.line, column: e.column, where: whereOf(e.path), message: e.message }));
      const located = problems.some((p) => p.line !== undefined);
      return {
        ok: false,
        error: located ? (problems.length === 1 ? "The file has a problem; fix it and try again." : `The file has ${problems.length} problems; fix them and try again.`) : err.message,
        problems: located ? problems : undefined,
      };
    }
    redirect(`/t/${ctx.team.slug}/experiments/${id}`);
  });
}
