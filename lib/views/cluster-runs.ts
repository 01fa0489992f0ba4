import { db } from "@/lib/db";
import { scoped, type TeamContext } from "@/lib/tenancy";

/** The latest runs against a cluster, newest first (team-scoped; dry runs changed nothing there and are left out). */
export function recentRuns(ctx: TeamContext, clusterId: string, take = 8) {
  return db.run.findMany({
    where: { ...scoped(ctx), clusterId, dryRun: false },
    orderBy: { queuedAt: "desc" },
    take,
    select: { id: true, actionId: true, state: true, queuedAt: true, finishedAt: true },
  });
}

export interface RunTargets {
  runId: string;
  actionId: string;
  pods: { namespace: string; name: string }[];
  nodes: string[];
  workloads: { namespace: string; kind: string; name: string }[];
}

interface StepTarget {
  kind?: unknown;
  namespace?: unknown;
  name?: unknown;
}

/**
 * What a run of this cluster touched, from its recorded steps (and its plan, for steps that
 * never started); null when the run is not this team's or not this cluster's.
 */
export async function runTargets(ctx: TeamContext, clusterId: string, runId: string): Promise<RunTargets | null> {
  const run = await db.run.findFirst({
    where: { ...scoped(ctx), id: runId, clusterId },
    select: { id: true, actionId: true, plan: true, steps: { where: scoped(ctx), select: { target: true } } },
  });
  if (!run) return null;
  const planned = ((run.plan as { targets?: unknown } | null)?.targets ?? []) as unknown[];
  const all = [...run.steps.map((s) => s.target), ...planned] as (StepTarget | null)[];
  const out: RunTargets = { runId: run.id, actionId: run.actionId, pods: [], nodes: [], workloads: [] };
  const seen = new Set<string>();
  for (const t of all) {
    if (!t || typeof t.name !== "string" || typeof t.kind !== "string") continue;
    const ns = typeof t.namespace === "string" ? t.namespace : "";
    const key = `${t.kind}/${ns}/${t.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (t.kind === "Pod") out.pods.push({ namespace: ns, name: t.name });
    else if (t.kind === "Node") out.nodes.push(t.name);
    else if (t.kind === "Deployment" || t.kind === "Job") out.workloads.push({ namespace: ns, kind: t.kind, name: t.name });
  }
  return out;
}
