import { describeCatalog } from "@/lib/actions";
import { db } from "@/lib/db";
import { roleAllows } from "@/lib/rbac/permissions";
import { requireTeamAccess, scoped } from "@/lib/tenancy";
import { fieldsFromSchema } from "@/app/_components/schema-fields";
import { Alert, ButtonLink, EmptyState, PageHeader } from "@/app/_components/ui";
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
    return (
      <>
        {header}
        <Alert tone="amber">Your role in this team can read runs but not start them. Ask an owner or admin to make you a member.</Alert>
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
