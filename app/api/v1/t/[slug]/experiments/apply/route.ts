import { NextResponse } from "next/server";
import { answer, apiSchemas, experimentJson, methodNotAllowed, parseQuery, readTextBody } from "@/lib/api";
import { applyExperimentFile } from "@/lib/experiments/apply";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// PUT /api/v1/t/[slug]/experiments/apply — the body is an experiment file (YAML or JSON, as
// `pystol experiments export` writes it). Creates the experiment of its metadata.name (201),
// saves a new version when the file differs from the current one (200, "updated"), or changes
// nothing (200, "unchanged"): applying the same file again is safe. The answer has the diff.
// A file that does not validate is a 400 whose issues each carry a line and column.
export const PUT = withTeamRoute(
  (req, ctx) =>
    answer(async () => {
      const { dryRun } = parseQuery(req, apiSchemas.applyExperimentQuery);
      const text = await readTextBody(req, "experiment file");
      const r = await applyExperimentFile(ctx, text, { dryRun });
      const added = r.diff.filter((l) => l.op === "add").length;
      const removed = r.diff.filter((l) => l.op === "remove").length;
      return NextResponse.json(
        { outcome: r.outcome, dryRun, experiment: r.experiment && experimentJson(r.experiment, r.cluster), diff: r.diffText, added, removed },
        { status: r.outcome === "created" && !dryRun ? 201 : 200 },
      );
    }),
  { permission: "runs:create" },
);

// GET answers 405 in JSON, behind the same gate (an outsider still learns nothing).
export const GET = withTeamRoute(async () => methodNotAllowed(["PUT"]), { permission: "runs:read" });
