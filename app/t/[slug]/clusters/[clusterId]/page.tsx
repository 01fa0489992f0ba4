import Link from "next/link";
import { getAction } from "@/lib/actions";
import { plural } from "@/lib/text";
import { clusterSummary, formatCpu, formatMem, nodeUsage, recentRuns } from "@/lib/views";
import { Alert, Badge, Card, EmptyState, Stat, Table, Td } from "@/app/_components/ui";
import { ChartLegend, NodeChart, PHASE_COLORS, StackedBar, UsageBar } from "./_views/charts";
import { Freshness } from "./_views/freshness";
import { openView, type ViewProps } from "./_views/load";
import { ViewProblem } from "./_views/view-problem";
import { FollowRunChanges } from "../../runs/follow-run-changes";
import { STATE_LABELS, STATE_TONES } from "../../runs/run-format";

export const metadata = { title: "Cluster overview" };

// The busiest nodes are charted; all of them are on the Nodes tab.
const CHART_NODES = 30;

export default async function ClusterOverviewPage(props: ViewProps) {
  const { ctx, cluster, base, force, refresh } = await openView(props, "");
  const [summary, usage, runs] = await Promise.all([clusterSummary(cluster, force), nodeUsage(cluster, force), recentRuns(ctx, cluster.id)]);
  const runList = (
    <Card title="Recent runs against this cluster">
      <FollowRunChanges slug={ctx.team.slug} since={new Date().toISOString()} />
      {runs.length === 0 ? (
        <p className="text-sm text-slate-600">No runs yet. Runs started against this cluster appear here.</p>
      ) : (
        <Table head={["Action", "State", "Queued"]}>
          {runs.map((r) => (
            <tr key={r.id}>
              <Td className="font-medium">
                <Link href={`/t/${ctx.team.slug}/runs/${r.id}`} className="whitespace-nowrap text-brand-700 hover:underline">
                  {getAction(r.actionId)?.title ?? r.actionId}
                </Link>
              </Td>
              <Td>
                <Badge tone={STATE_TONES[r.state]}>{STATE_LABELS[r.state]}</Badge>
              </Td>
              <Td className="whitespace-nowrap">{r.queuedAt.toISOString().slice(0, 16).replace("T", " ")} UTC</Td>
            </tr>
          ))}
        </Table>
      )}
    </Card>
  );
  if (summary.error) {
    return (
      <div className="space-y-6">
        <ViewProblem error={summary.error} what="the nodes and pods" />
        <Freshness at={summary.at} refreshHref={refresh} />
        {runList}
      </div>
    );
  }
  const s = summary.data;
  const live = usage.data?.available ? usage.data.nodes : null;
  const ready = s.nodes.filter((n) => n.ready).length;
  const total = { cpu: 0, mem: 0, reqCpu: 0, reqMem: 0, useCpu: 0, useMem: 0 };
  for (const n of s.nodes) {
    total.cpu += n.allocatable.cpu;
    total.mem += n.allocatable.mem;
    total.reqCpu += n.requested.cpu;
    total.reqMem += n.requested.mem;
    total.useCpu += live?.[n.name]?.cpu ?? 0;
    total.useMem += live?.[n.name]?.mem ?? 0;
  }
  const pct = (a: number, b: number) => (b > 0 ? `${Math.round((a / b) * 100)}%` : "—");
  const busiest = [...s.nodes]
    .map((n) => ({
      name: n.name,
      cpu: n.allocatable.cpu ? n.requested.cpu / n.allocatable.cpu : 0,
      mem: n.allocatable.mem ? n.requested.mem / n.allocatable.mem : 0,
      usedCpu: live?.[n.name] && n.allocatable.cpu ? live[n.name]!.cpu / n.allocatable.cpu : null,
      usedMem: live?.[n.name] && n.allocatable.mem ? live[n.name]!.mem / n.allocatable.mem : null,
    }))
    .sort((a, b) => Math.max(b.cpu, b.mem) - Math.max(a.cpu, a.mem) || a.name.localeCompare(b.name))
    .slice(0, CHART_NODES);
  const phases = ["Running", "Pending", "Succeeded", "Failed", "Unknown"].map((p) => ({ name: p, value: s.phases[p] ?? 0, color: PHASE_COLORS[p]! }));

  return (
    <div className="space-y-6">
      <Freshness at={summary.at} refreshHref={refresh} />
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Stat label="Nodes ready" value={`${ready} / ${s.nodes.length}`} hint={ready < s.nodes.length ? `${s.nodes.length - ready} not ready` : "all ready"} />
        <Stat label="Pods" value={s.podsTotal.toLocaleString("en")} hint={`${(s.phases.Running ?? 0).toLocaleString("en")} running`} />
        <Stat label="CPU requested" value={pct(total.reqCpu, total.cpu)} hint={`${formatCpu(total.reqCpu)} of ${formatCpu(total.cpu)}`} />
        <Stat label="Memory requested" value={pct(total.reqMem, total.mem)} hint={`${formatMem(total.reqMem)} of ${formatMem(total.mem)}`} />
      </div>
      <Card title="Pods by phase">
        <StackedBar label="Pods by phase" parts={phases} />
      </Card>
      <Card title="Cluster CPU and memory">
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <div className="mb-1 flex flex-wrap justify-between gap-x-3 text-xs text-slate-600">
              <span className="font-medium text-slate-700">CPU</span>
              <span>
                {formatCpu(total.reqCpu)} requested{live ? ` · ${formatCpu(total.useCpu)} used` : ""} · {formatCpu(total.cpu)} allocatable
              </span>
            </div>
            <UsageBar label="Cluster CPU requested versus allocatable" requested={total.reqCpu} used={live ? total.useCpu : null} capacity={total.cpu} />
          </div>
          <div>
            <div className="mb-1 flex flex-wrap justify-between gap-x-3 text-xs text-slate-600">
              <span className="font-medium text-slate-700">Memory</span>
              <span>
                {formatMem(total.reqMem)} requested{live ? ` · ${formatMem(total.useMem)} used` : ""} · {formatMem(total.mem)} allocatable
              </span>
            </div>
            <UsageBar label="Cluster memory requested versus allocatable" requested={total.reqMem} used={live ? total.useMem : null} capacity={total.mem} />
          </div>
        </div>
        <ChartLegend usage={Boolean(live)} />
        {usage.data && !usage.data.available ? (
          <p className="mt-3 text-sm text-slate-600" data-testid="usage-note">
            {usage.data.reason}
          </p>
        ) : null}
        {usage.error ? (
          <p className="mt-3 text-sm text-slate-600" data-testid="usage-note">
            Live usage could not be read: {usage.error.message}
          </p>
        ) : null}
      </Card>
      <Card title={s.nodes.length > CHART_NODES ? `Per node (the ${CHART_NODES} busiest of ${s.nodes.length.toLocaleString("en")})` : "Per node"}>
        {s.nodes.length === 0 ? (
          <EmptyState title="No nodes">This cluster has no nodes, so nothing can run on it.</EmptyState>
        ) : (
          <>
            <NodeChart label="CPU and memory requested versus allocatable per node" rows={busiest} />
            <ChartLegend usage={Boolean(live)} />
            <p className="mt-2 text-xs">
              <Link href={`${base}/nodes`} className="text-brand-700 hover:underline">
                All nodes with conditions, taints and pods →
              </Link>
            </p>
          </>
        )}
      </Card>
      {ready < s.nodes.length ? <Alert tone="amber">{s.nodes.length - ready === 1 ? "1 node is" : `${plural(s.nodes.length - ready, "node")} are`} not ready: see the Nodes tab for their conditions.</Alert> : null}
      {runList}
    </div>
  );
}
