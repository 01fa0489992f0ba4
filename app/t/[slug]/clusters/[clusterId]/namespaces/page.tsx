import Link from "next/link";
import { protectedNamespaces } from "@/lib/actions";
import { db } from "@/lib/db";
import { age, clusterSummary, namespaceList } from "@/lib/views";
import { Badge, EmptyState, Table, Td } from "@/app/_components/ui";
import { Freshness } from "../_views/freshness";
import { openView, type ViewProps } from "../_views/load";
import { ViewProblem } from "../_views/view-problem";

export const metadata = { title: "Namespaces" };

export default async function NamespacesPage(props: ViewProps) {
  const { ctx, cluster, base, force, refresh } = await openView(props, "namespaces");
  const [list, summary, team] = await Promise.all([
    namespaceList(cluster, force),
    clusterSummary(cluster, force),
    db.team.findUniqueOrThrow({ where: { id: ctx.team.id }, select: { protectedNamespaces: true } }),
  ]);
  if (list.error) return <ViewProblem error={list.error} what="the namespaces" />;
  const counts = summary.data?.namespaces ?? {};
  const protectedSet = protectedNamespaces(team);
  return (
    <div className="space-y-4">
      <Freshness at={Math.min(list.at, summary.at)} refreshHref={refresh} />
      {summary.error ? <ViewProblem error={summary.error} what="the pods (for the counts)" /> : null}
      {list.data.length === 0 ? (
        <EmptyState title="No namespaces">The credentials see no namespaces in this cluster.</EmptyState>
      ) : (
        <Table head={["Namespace", "Status", "Pods", "Running", "Pending", "Failed", "Protected", "Age"]}>
          {list.data.map((n) => {
            const c = counts[n.name];
            return (
              <tr key={n.name}>
                <Td className="whitespace-nowrap font-medium">
                  <Link href={`${base}/pods?namespace=${encodeURIComponent(n.name)}`} className="text-brand-700 hover:underline">
                    {n.name}
                  </Link>
                </Td>
                <Td>
                  <Badge tone={n.phase === "Active" ? "green" : "amber"}>{n.phase}</Badge>
                </Td>
                <Td>{c ? c.pods.toLocaleString("en") : summary.data ? 0 : "—"}</Td>
                <Td>{c?.phases.Running ?? 0}</Td>
                <Td>{c?.phases.Pending ?? 0}</Td>
                <Td>{c?.phases.Failed ?? 0}</Td>
                <Td>{protectedSet.has(n.name) ? <Badge tone="blue">protected</Badge> : <span className="text-slate-500">no</span>}</Td>
                <Td>{age(n.createdAt ?? undefined)}</Td>
              </tr>
            );
          })}
        </Table>
      )}
      <p className="text-xs text-slate-500">
        Faults never touch a protected namespace. The team&apos;s protected namespaces are set in the{" "}
        <Link href={`/t/${ctx.team.slug}/settings`} className="text-brand-700 hover:underline">
          team settings
        </Link>
        .
      </p>
    </div>
  );
}
