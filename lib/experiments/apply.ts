import { db, type Experiment } from "@/lib/db";
import { scoped, type TeamContext } from "@/lib/tenancy";
import { ExperimentError } from "./errors";
import { describeProblem, experimentFileOf, formatExperimentFile, parseExperimentFile, positionOf, sameDefinition, type ExperimentFile, type FileProblem } from "./file";
import { lineDiff, unifiedDiff, type DiffLine } from "./line-diff";
import { createExperiment, definitionOf, updateExperiment } from "./store";

// Experiments as code: a file applied to the team creates the experiment of its name, or saves
// a new version of it when the file says something else, or changes nothing (idempotent: CI can
// apply the same file on every push). The answer says which, with the difference as lines.

export type ApplyOutcome = "created" | "updated" | "unchanged";

export interface ApplyResult {
  outcome: ApplyOutcome;
  /** The experiment after the apply (before it, on a dry run that would create: null). */
  experiment: Experiment | null;
  cluster: { id: string; name: string };
  /** The file before and after, line by line; `diffText` the same as a unified diff. */
  diff: DiffLine[];
  diffText: string;
}

/** A file's problems as the refusal the API and the pages answer: the first as a sentence, each with its line and column. */
export function fileRefusal(problems: FileProblem[]): ExperimentError {
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
  return new ExperimentError("invalid-definition", `The file was not accepted: ${describeProblem(problems[0]!)}${more}`, problems);
}

async function clusterOf(ctx: TeamContext, idOrName: string, where: FileProblem | null) {
  const cluster = await db.cluster.findFirst({ where: { ...scoped(ctx), OR: [{ id: idOrName }, { name: idOrName }] }, select: { id: true, name: true } });
  if (cluster) return cluster;
  const message = `The team has no cluster "${idOrName}"; name one of its clusters in metadata.cluster.`;
  throw new ExperimentError("cluster-not-found", where ? `The file was not accepted: line ${where.line}, column ${where.column}: ${message}` : message, [
    { path: "metadata.cluster", message, ...(where ? { line: where.line, column: where.column } : {}) },
  ]);
}

/** Where metadata.cluster is in the file's text (metadata when the file names no cluster). */
function clusterPosition(text: string): FileProblem {
  return { path: "metadata.cluster", message: "", ...positionOf(text, "metadata.cluster") };
}

/** The file an experiment is now (for the diff and for export). */
export function currentFile(experiment: Experiment, clusterName: string): ExperimentFile {
  return experimentFileOf({ name: experiment.name, cluster: clusterName, definition: definitionOf(experiment) });
}

/**
 * Applies a file's text to the team. `defaultClusterId` (a cluster of the team) is used when the
 * file names none and the experiment is new. `dryRun` answers what would happen, writing nothing.
 * Refusals: ExperimentError (`invalid-definition` with line and column per problem,
 * `cluster-not-found`, `name-taken`, `version-conflict` when someone saved in between).
 */
export async function applyExperimentFile(ctx: TeamContext, text: string, opts: { dryRun?: boolean; defaultClusterId?: string } = {}): Promise<ApplyResult> {
  const parsed = parseExperimentFile(text);
  if (!parsed.ok) throw fileRefusal(parsed.problems);
  const { metadata, spec } = parsed.file;
  const existing = await db.experiment.findFirst({ where: { ...scoped(ctx), name: metadata.name } });
  const named = metadata.cluster ?? (existing ? undefined : opts.defaultClusterId);
  const cluster = named
    ? await clusterOf(ctx, named, metadata.cluster ? clusterPosition(text) : null)
    : existing
      ? await clusterOf(ctx, existing.clusterId, null)
      : null;
  if (!cluster) {
    const at = clusterPosition(text);
    const message = `Name the cluster to create "${metadata.name}" on in metadata.cluster; the team has no experiment of this name yet.`;
    throw new ExperimentError("invalid-definition", `The file was not accepted: line ${at.line}, column ${at.column}: ${message}`, [
      { path: "metadata.cluster", message, line: at.line, column: at.column },
    ]);
  }
  const after = formatExperimentFile(experimentFileOf({ name: metadata.name, cluster: cluster.name, definition: spec }), "yaml");

  if (!existing) {
    const diff = lineDiff("", after);
    const experiment = opts.dryRun ? null : await createExperiment(ctx, { name: metadata.name, clusterId: cluster.id, definition: spec });
    return { outcome: "created", experiment, cluster, diff, diffText: unifiedDiff(diff, { before: "/dev/null", after: `${metadata.name} (new)` }) };
  }

  const previousCluster = existing.clusterId === cluster.id ? cluster : await clusterOf(ctx, existing.clusterId, null);
  const before = formatExperimentFile(currentFile(existing, previousCluster.name), "yaml");
  const diff = lineDiff(before, after);
  const labels = { before: `${existing.name} (version ${existing.version})`, after: `${metadata.name} (file)` };
  if (existing.clusterId === cluster.id && sameDefinition(definitionOf(existing), spec)) {
    return { outcome: "unchanged", experiment: existing, cluster, diff: lineDiff(before, before), diffText: "" };
  }
  const experiment = opts.dryRun
    ? existing
    : await updateExperiment(ctx, existing.id, { name: metadata.name, clusterId: cluster.id, definition: spec, expectedVersion: existing.version });
  return { outcome: "updated", experiment, cluster, diff, diffText: unifiedDiff(diff, labels) };
}
