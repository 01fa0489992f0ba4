import Link from "next/link";
import { plural } from "@/lib/text";
import { clusterSummary, formatCpu, formatMem, nodeUsage } from "@/lib/views";
import { Badge, EmptyState, Table, Td } from "@/app/_components/ui";
import { ChartLegend, UsageBar } from "../_views/charts";
import { Freshness } from "../_views/freshness";
import { openView, type ViewProps } from "../_views/load";
import { ViewProblem } from "../_views/view-problem";

export const metadata = { title: "Nodes" };

const PAGE = 100;

export default async function NodesPage(props: ViewProps) {
  const { cluster, base, path, search, force, refresh } = await openView(props, "nodes");
  const [summary, usage] = await Promise.all([clusterSummary(cluster, force), nodeUsage(cluster, force)]);
  if (summary.error) return <ViewProblem error={summary.error} what="the nodes" />;
  const q = typeof search.q === "string" ? search.q.slice(0, 100).toLowerCase() : "";
  const all = summary.data.nodes.filter((n) => !q || n.name.toLowerCase().includes(q));
  const pages = Math.max(1, Math.ceil(all.length / PAGE));
  const page = Math.min(pages, Math.max(1, Number(search.page) || 1));
  const nodes = all.slice((page - 1) * PAGE, page * PAGE);
  const live = usage.data?.available ? usage.data.nodes : null;
  const pageHref = (p: number) => `${path}?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) }).toString()}`;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <Freshness at={summary.at} refreshHref={refresh} />
        <form className="flex gap-2" action={path}>
          <input name="q" defaultValue={q} aria-label="Search nodes" placeholder="Search nodes" className="rounded-md border border-slate-300 px-2 py-1 text-sm" />
          <button className="rounded-md px-3 py-1 text-sm ring-1 ring-slate-300 hover:bg-slate-50">Search</button>
        </form>
      </div>
      {usage.data && !usage.data.available ? <p className="text-sm text-slate-600">{usage.data.reason}</p> : null}
      {nodes.length === 0 ? (
        <EmptyState title={q ? "No node matches" : "No nodes"}>{q ? "Try another part of the name." : "This cluster has no nodes."}</EmptyState>
      ) : (
        <Table head={["Node", "Conditions", "Scheduling", "Taints", "Pods", "CPU", "Memory"]}>
          {nodes.map((n) => {
            const used = live?.[n.name];
            const problems = n.conditions.filter((c) => (c.type === "Ready" ? c.status !== "True" : c.status === "True"));
            return (
              <tr key={n.name}>
                <Td className="whitespace-nowrap font-medium">
                  {n.name}
                  {n.zone ? <div className="text-xs font-normal text-slate-500">{n.zone}</div> : null}
                </Td>
                <Td>
                  <div className="flex flex-wrap gap-1">
                    <Badge tone={n.ready ? "green" : "red"}>{n.ready ? "Ready" : "NotReady"}</Badge>
                    {problems
                      .filter((c) => c.type !== "Ready")
                      .map((c) => (
                        <Badge key={c.type} tone="amber">
                          {c.type}
                        </Badge>
                      ))}
                  </div>
                </Td>
                <Td>{n.unschedulable ? <Badge tone="amber">cordoned</Badge> : <span className="text-slate-500">schedulable</span>}</Td>
                {/* A taint is one long word; it wraps inside its column (unlike a name, which stays on one line) rather than widening the table past the page. */}
                <Td className="max-w-64 text-xs">
                  {n.taints.length === 0 ? (
                    <span className="text-slate-500">none</span>
                  ) : (
                    n.taints.map((t) => (
                      <div key={`${t.key}:${t.effect}`} className="whitespace-normal font-mono wrap-anywhere">
                        {t.key}
                        {t.value ? `=${t.value}` : ""}:{t.effect}
                      </div>
                    ))
                  )}
                </Td>
                <Td className="whitespace-nowrap">
                  <Link href={`${base}/pods?node=${encodeURIComponent(n.name)}`} className="text-brand-700 hover:underline">
                    {plural(n.pods, "pod")}
                  </Link>
                </Td>
                <Td>
                  <UsageBar label={`CPU of ${n.name}`} requested={n.requested.cpu} used={used?.cpu ?? null} capacity={n.allocatable.cpu} />
                  <div className="mt-1 text-xs text-slate-500">
                    {formatCpu(n.requested.cpu)}
                    {used ? ` · ${formatCpu(used.cpu)} used` : ""} / {formatCpu(n.allocatable.cpu)}
                  </div>
                </Td>
                <Td>
                  <UsageBar label={`Memory of ${n.name}`} requested={n.requested.mem} used={used?.mem ?? null} capacity={n.allocatable.mem} />
                  <div className="mt-1 text-xs text-slate-500">
                    {formatMem(n.requested.mem)}
                    {used ? ` · ${formatMem(used.mem)} used` : ""} / {formatMem(n.allocatable.mem)}
                  </div>
                </Td>
              </tr>
            );
          })}
        </Table>
      )}
      <ChartLegend usage={Boolean(live)} />
      {pages > 1 ? (
        <nav aria-label="Pages" className="flex items-center gap-3 text-sm">
          {page > 1 ? <Link href={pageHref(page - 1)} className="text-brand-700 hover:underline">← Previous</Link> : null}
          <span className="text-slate-500">
            Page {page} of {pages} ({plural(all.length, "node")})
          </span>
          {page < pages ? <Link href={pageHref(page + 1)} className="text-brand-700 hover:underline">Next →</Link> : null}
        </nav>
      ) : null}
    </div>
  );
}
