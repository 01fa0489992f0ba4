import { describeCatalog } from "@/lib/actions";
import { db } from "@/lib/db";
import { roleAllows } from "@/lib/rbac/permissions";
import { requireTeamAccess, scoped } from "@/lib/tenancy";
import { fieldsFromSchema } from "@/app/_components/schema-fields";
import { ButtonLink, EmptyState, PageHeader } from "@/app/_components/ui";
import { RunForm, type ActionChoice } from "./run-form";

export const metadata = { title: "Run" };

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function RunPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Search }) {
  const ctx = await requireTeamAccess((await params).slug, "runs:read");
  const query = await searchParams;
  const base = `/t/${ctx.team.slug}`;
  const header = (
    <PageHeader
      title="Run an action"
      description="Choose a cluster, an action and its parameters. Plan first: the dry run shows exactly what would be hit."
    />
  );
  if (!roleAllows(ctx.role, "runs:create")) {
    // Reached by its address only (the menu leaves it out for viewers): say why, and where to look.
    return (
      <>
        <PageHeader title="Run an action" />
        <EmptyState
          title="You can look, but not run"
          action={
            <div className="flex flex-wrap justify-center gap-2">
              <ButtonLink href={`${base}/runs`}>See the team&apos;s runs</ButtonLink>
              <ButtonLink href={`${base}/actions`} variant="secondary">
                Read about the actions
              </ButtonLink>
            </div>
          }
        >
          As a viewer of this team you can read its clusters and runs, but starting a run needs the member role. Ask an
          owner or admin of the team to change your role.
        </EmptyState>
      </>
    );
  }
  const clusters = await db.cluster.findMany({
    where: scoped(ctx),
    orderBy: { createdAt: "asc" },
    select: { id: true, name: true, status: true },
  });
  if (clusters.length === 0) {
    return (
      <>
        {header}
        <EmptyState title="No cluster to run against" action={<ButtonLink href={`${base}/clusters`}>Go to clusters</ButtonLink>}>
          Connect a cluster or add a sandbox cluster first; every run targets one of the team&apos;s clusters.
        </EmptyState>
      </>
    );
  }
  const actions: ActionChoice[] = describeCatalog().map((a) => ({
    id: a.id,
    title: a.title,
    description: a.description,
    fields: fieldsFromSchema(a.paramsSchema),
  }));
  const wanted = (key: string) => (typeof query[key] === "string" ? query[key] : undefined);
  const actionId = actions.find((a) => a.id === wanted("action"))?.id ?? actions[0]!.id;
  const clusterId = clusters.find((c) => c.id === wanted("cluster"))?.id ?? clusters[0]!.id;
  return (
    <>
      {header}
      <RunForm slug={ctx.team.slug} clusters={clusters} actions={actions} initial={{ actionId, clusterId }} />
    </>
  );
}
