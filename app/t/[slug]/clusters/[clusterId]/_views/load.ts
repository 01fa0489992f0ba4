import { requireTeamAccess } from "@/lib/tenancy";
import { requireViewCluster } from "@/lib/views";
import { refreshHref, wantsRefresh } from "./freshness";

export type ViewProps = {
  params: Promise<{ slug: string; clusterId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

/** The gate of every cluster view: team access (clusters:read), the team's cluster, the page's address. */
export async function openView(props: ViewProps, sub: string) {
  const { slug, clusterId } = await props.params;
  const search = await props.searchParams;
  const ctx = await requireTeamAccess(slug, "clusters:read");
  const cluster = await requireViewCluster(ctx, clusterId);
  const base = `/t/${ctx.team.slug}/clusters/${cluster.id}`;
  const path = sub ? `${base}/${sub}` : base;
  return { ctx, cluster, base, path, search, force: wantsRefresh(search), refresh: refreshHref(path, search) };
}
