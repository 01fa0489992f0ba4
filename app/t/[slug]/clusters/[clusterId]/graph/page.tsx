import Link from "next/link";
import { plural } from "@/lib/text";
import { buildGraph, clusterSummary, graphParamsSchema, parseParams, runTargets, workloadPods } from "@/lib/views";
import { Alert, EmptyState } from "@/app/_components/ui";
import { Freshness } from "../_views/freshness";
import { openView, type ViewProps } from "../_views/load";
import { ViewProblem } from "../_views/view-problem";
import { GraphSvg } from "./graph-svg";

export const metadata = { title: "Graph" };

export default async function GraphPage(props: ViewProps) {
  const { ctx, cluster, path, search, force, refresh } = await openView(props, "graph");
  const { value: p, invalid } = parseParams(graphParamsSchema, search);
  const [summary, run, pods] = await Promise.all([
    clusterSummary(cluster, force),
    p.run ? runTargets(ctx, cluster.id, p.run) : Promise.resolve(null),
    p.ns && p.w ? workloadPods(cluster, p.ns, p.w, force) : Promise.resolve(null),
  ]);
  if (summary.error) return <ViewProblem error={summary.error} what="the nodes and pods" />;
  const model = buildGraph(path, summary.data, p, pods?.data ?? null, run);
  const s = summary.data;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <Freshness at={summary.at} refreshHref={refresh} />
        <form action={path} className="flex w-full gap-2 sm:w-auto" aria-label="Search the graph">
          {p.run ? <input type="hidden" name="run" value={p.run} /> : null}
          <input name="q" defaultValue={p.q ?? ""} maxLength={100} aria-label="Search namespaces and workloads" placeholder="Search workloads" className="w-full min-w-0 rounded-md border border-slate-300 px-2 py-1 text-sm sm:w-72" />
          <button className="rounded-md px-3 py-1 text-sm ring-1 ring-slate-300 hover:bg-slate-50">Search</button>
          {p.q || p.ns ? (
            <Link href={p.run ? `${path}?run=${p.run}` : path} className="px-2 py-1 text-sm text-slate-600 hover:text-slate-900">
              Reset
            </Link>
          ) : null}
        </form>
      </div>
      {invalid.length > 0 ? <Alert tone="amber">Not applied (not a valid value): {invalid.join(", ")}.</Alert> : null}
      {p.run && !run ? <Alert tone="amber">That run is not one of this cluster&apos;s runs, so nothing is highlighted.</Alert> : null}
      {run ? (
        <Alert tone="amber">
          Highlighting what run{" "}
          <Link href={`/t/${ctx.team.slug}/runs/${run.runId}`} className="font-medium underline">
            {run.actionId}
          </Link>{" "}
          hit: {plural(run.pods.length, "pod")}, {plural(run.nodes.length, "node")}, {plural(run.workloads.length, "workload")}; {model.hits} shown here. Open a namespace to see its workloads.
        </Alert>
      ) : null}
      {pods?.error ? <ViewProblem error={pods.error} what="the pods of this workload" /> : null}
      <p className="text-sm text-slate-600">
        {plural(s.podsTotal, "pod")} in {plural(Object.keys(s.namespaces).length, "namespace")} and {plural(s.workloads.length, "workload")} on {plural(s.nodes.length, "node")}. Click a namespace to open its workloads, a workload to open its pods; click again to close.
      </p>
      {Object.keys(s.namespaces).length === 0 ? (
        <EmptyState title="No pods yet">The graph shows namespaces, workloads, pods and nodes once something runs on the cluster.</EmptyState>
      ) : model.columns.namespace.length === 0 ? (
        <EmptyState title="Nothing matches">No namespace or workload name contains &quot;{p.q}&quot;.</EmptyState>
      ) : (
        <div className="rounded-lg border border-slate-200 bg-white shadow-sm">
          <p className="px-4 pt-3 text-xs text-slate-600 md:hidden">Scroll sideways to see every column.</p>
          <div className="overflow-x-auto p-4">
            <GraphSvg model={model} />
          </div>
        </div>
      )}
    </div>
  );
}
