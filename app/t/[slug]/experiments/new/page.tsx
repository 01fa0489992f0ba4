import { requireTeamAccess } from "@/lib/tenancy";
import { ButtonLink, EmptyState, PageHeader } from "@/app/_components/ui";
import { ExperimentEditor } from "../_editor/editor";
import { editorChoices } from "../_editor/load";

export const metadata = { title: "New experiment" };

export default async function NewExperimentPage({ params }: { params: Promise<{ slug: string }> }) {
  const ctx = await requireTeamAccess((await params).slug, "runs:create");
  const { clusters, actions } = await editorChoices(ctx);
  const header = (
    <PageHeader
      title="New experiment"
      description="State the steady state as checks, add the faults in stages, and dry-run it: nothing changes in the cluster until you run it from its page."
      actions={
        <ButtonLink href={`/t/${ctx.team.slug}/experiments/import`} variant="secondary">
          Import a file
        </ButtonLink>
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
      <ExperimentEditor slug={ctx.team.slug} clusters={clusters} actions={actions} initial={{ name: "", clusterId: clusters[0]!.id }} />
    </>
  );
}
