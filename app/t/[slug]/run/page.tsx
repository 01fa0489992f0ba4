import { requireTeamAccess } from "@/lib/tenancy";
import { ComingSoon, PageHeader } from "@/app/_components/ui";

export const metadata = { title: "Run" };

export default async function RunPage({ params }: { params: Promise<{ slug: string }> }) {
  await requireTeamAccess((await params).slug, "runs:read");
  return (
    <>
      <PageHeader title="Run an action" />
      <ComingSoon
        feature="running an action"
        what="Choose a cluster, an action and its parameters, see exactly which objects the dry run would hit, then confirm."
      />
    </>
  );
}
