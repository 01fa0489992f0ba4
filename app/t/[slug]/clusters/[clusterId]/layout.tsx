import Link from "next/link";
import { shardAnswers, shardOf } from "@/lib/clusters";
import { requireTeamAccess } from "@/lib/tenancy";
import { requireViewCluster } from "@/lib/views";
import { Tabs, type Tab } from "@/app/_components/tabs";
import { StatusBadge } from "../status-badge";
import { ShardDown } from "./shard-down";

// One cluster: its name and connection state, and the views as tabs. Each page checks access
// again (layouts do not guard the pages below them on their own).
export default async function ClusterLayout({ children, params }: { children: React.ReactNode; params: Promise<{ slug: string; clusterId: string }> }) {
  const { slug, clusterId } = await params;
  const ctx = await requireTeamAccess(slug, "clusters:read");
  const cluster = await requireViewCluster(ctx, clusterId);
  // A sandbox cluster whose shard does not answer: one plain sentence instead of its views.
  const shardDown = cluster.kind === "SANDBOX" && !!cluster.sandboxClusterId && !(await shardAnswers(shardOf(cluster)));
  const base = `/t/${ctx.team.slug}/clusters/${cluster.id}`;
  const tabs: Tab[] = [
    { href: base, label: "Overview" },
    { href: `${base}/namespaces`, label: "Namespaces" },
    { href: `${base}/nodes`, label: "Nodes" },
    { href: `${base}/pods`, label: "Pods" },
    { href: `${base}/events`, label: "Events" },
    { href: `${base}/graph`, label: "Graph" },
    { href: `${base}/risks`, label: "Risks" },
    { href: `${base}/settings`, label: "Settings" },
  ];
  return (
    <>
      <div className="mb-4">
        <Link href={`/t/${ctx.team.slug}/clusters`} className="text-xs text-slate-500 hover:text-slate-800">
          ← Clusters
        </Link>
        <div className="mt-1 flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">{cluster.name}</h1>
          <StatusBadge status={shardDown ? "UNREACHABLE" : cluster.status} />
          <span className="text-sm text-slate-500">
            {cluster.kind === "SANDBOX" ? "Sandbox cluster" : (cluster.serverHost ?? "Kubeconfig")}
            {cluster.kubernetesVersion ? ` · Kubernetes ${cluster.kubernetesVersion}` : ""}
          </span>
        </div>
      </div>
      <Tabs label="Cluster" tabs={tabs} />
      {shardDown ? <ShardDown trial={ctx.team.isTrial} /> : children}
    </>
  );
}
