import { db } from "@/lib/db";
import { definitionOf } from "@/lib/experiments";
import { experimentFileOf, formatExperimentFile } from "@/lib/experiments/file";
import { scoped, type TeamContext } from "@/lib/tenancy";
import { buttonClass } from "@/app/_components/ui";
import { formatTime } from "../../runs/run-format";
import { VersionDiff } from "./version-diff";

// The experiment page's "experiments as code" parts: the export links, and the comparison of
// two saved versions as files.

/** Download the current version as a file (the API's export, with the browser's session). */
export function ExportLinks({ slug, experimentId }: { slug: string; experimentId: string }) {
  const href = (format: "yaml" | "json") => `/api/v1/t/${encodeURIComponent(slug)}/experiments/${encodeURIComponent(experimentId)}/export?format=${format}`;
  return (
    <>
      <a href={href("yaml")} download className={buttonClass("secondary")}>
        Export YAML
      </a>
      <a href={href("json")} download className={buttonClass("secondary")}>
        Export JSON
      </a>
    </>
  );
}

type Version = { version: number; createdAt: Date; createdBy: { name: string } | null; definition: unknown; clusterId: string };

/** Every saved version as the file it was, for the version picker. */
export async function VersionsCompared({ ctx, name, versions }: { ctx: TeamContext; name: string; versions: Version[] }) {
  const clusterIds = [...new Set(versions.map((v) => v.clusterId))];
  const clusters = await db.cluster.findMany({ where: { ...scoped(ctx), id: { in: clusterIds } }, select: { id: true, name: true } });
  const clusterName = new Map(clusters.map((c) => [c.id, c.name]));
  const texts = versions.map((v) => ({
    version: v.version,
    label: `${formatTime(v.createdAt)}${v.createdBy ? ` · ${v.createdBy.name}` : ""}`,
    yaml: formatExperimentFile(experimentFileOf({ name, cluster: clusterName.get(v.clusterId) ?? v.clusterId, definition: definitionOf(v) }), "yaml"),
  }));
  return (
    <section className="space-y-2">
      <h2 className="text-sm font-semibold text-slate-700">Compare versions</h2>
      <VersionDiff versions={texts} />
    </section>
  );
}
