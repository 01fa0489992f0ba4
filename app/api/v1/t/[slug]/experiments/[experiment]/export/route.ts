import { answer, apiSchemas, findCluster, findExperiment, param, parseQuery } from "@/lib/api";
import { env } from "@/lib/env";
import { currentFile } from "@/lib/experiments/apply";
import { EXPERIMENT_SCHEMA_PATH, formatExperimentFile } from "@/lib/experiments/file";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

/** A file name from an experiment's name: letters, digits, dots, dashes and underscores. */
function fileName(name: string, format: "yaml" | "json"): string {
  const base = name.normalize("NFKD").replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[-.]+|-+$/g, "").slice(0, 80) || "experiment";
  return `${base}.${format}`;
}

// GET /api/v1/t/[slug]/experiments/[experiment]/export?format=yaml|json — the experiment's
// current version as a file to keep in a repository and apply again (PUT .../experiments/apply),
// with the published JSON Schema named where editors look for it.
export const GET = withTeamRoute(
  (req, ctx, params) =>
    answer(async () => {
      const { format } = parseQuery(req, apiSchemas.exportExperimentQuery);
      const experiment = await findExperiment(ctx, param(params, "experiment"));
      const cluster = await findCluster(ctx, experiment.clusterId);
      const text = formatExperimentFile(currentFile(experiment, cluster.name), format, new URL(EXPERIMENT_SCHEMA_PATH, env().NEXTAUTH_URL).toString());
      return new Response(text, {
        headers: {
          "content-type": format === "json" ? "application/json; charset=utf-8" : "application/yaml; charset=utf-8",
          "content-disposition": `attachment; filename="${fileName(experiment.name, format)}"`,
          "cache-control": "no-store",
          "x-experiment-version": String(experiment.version),
        },
      });
    }),
  { permission: "runs:read" },
);
