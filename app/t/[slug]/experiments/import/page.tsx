import Link from "next/link";
import { db } from "@/lib/db";
import { requireTeamAccess, scoped } from "@/lib/tenancy";
import { ButtonLink, EmptyState, PageHeader } from "@/app/_components/ui";
import { ImportForm } from "./import-form";

export const metadata = { title: "Import an experiment" };

export default async function ImportExperimentPage({ params }: { params: Promise<{ slug: string }> }) {
  const ctx = await requireTeamAccess((await params).slug, "runs:create");
  const clusters = await db.cluster.findMany({ where: scoped(ctx), orderBy: { name: "asc" }, select: { id: true, name: true } });
  const header = (
    <PageHeader
      title="Import an experiment"
      description={
        <>
          A YAML or JSON file as{" "}
          <Link href="/docs/experiments#as-code" className="text-brand-700 hover:underline">
            experiments as code
          </Link>{" "}
          describes it, such as one exported from an experiment&apos;s page. It creates the experiment, or a new version of the one with its name.
        </>
      }
    />
  );
  if (clusters.length === 0) {
    return (
      <>
        {header}
        <EmptyState title="No cluster to experiment on" action={<ButtonLink href={`/t/${ctx.team.slug}/clusters`}>Go to clusters</ButtonLink>}>
          Connect a cluster or add a sandbox cluster first; an experiment runs against one of the team&apos;s clusters.
        </EmptyState>
      </>
    );
  }
  return (
    <>
      {header}
      <ImportForm slug={ctx.team.slug} clusters={clusters} />
    </>
  );
}
