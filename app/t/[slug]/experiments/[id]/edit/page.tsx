import { notFound } from "next/navigation";
import { definitionOf, getExperiment } from "@/lib/experiments";
import { requireTeamAccess } from "@/lib/tenancy";
import { PageHeader } from "@/app/_components/ui";
import { ExperimentEditor } from "../../_editor/editor";
import { editorChoices } from "../../_editor/load";

export const metadata = { title: "Edit experiment" };

export default async function EditExperimentPage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  const { slug, id } = await params;
  const ctx = await requireTeamAccess(slug, "runs:read");
  const experiment = await getExperiment(ctx, id);
  if (!experiment || experiment.id !== id) notFound();
  // Editing needs runs:create; asked after the lookup, so an id not in the team is 404 to every role.
  await requireTeamAccess(slug, "runs:create");
  const { clusters, actions } = await editorChoices(ctx);
  return (
    <>
      <PageHeader title={`Edit ${experiment.name}`} description={`Version ${experiment.version}. Saving writes version ${experiment.version + 1}; past executions keep the version they ran.`} />
      <ExperimentEditor
        slug={ctx.team.slug}
        clusters={clusters}
        actions={actions}
        initial={{ experimentId: experiment.id, version: experiment.version, name: experiment.name, clusterId: experiment.clusterId, definition: definitionOf(experiment) }}
      />
    </>
  );
}
