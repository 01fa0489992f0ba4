import { requireTeamAccess } from "@/lib/tenancy";
import { ComingSoon, PageHeader } from "@/app/_components/ui";

export const metadata = { title: "Available actions" };

export default async function ActionsPage({ params }: { params: Promise<{ slug: string }> }) {
  await requireTeamAccess((await params).slug, "runs:read");
  return (
    <>
      <PageHeader title="Available actions" description="The catalog of faults you can inject." />
      <ComingSoon
        feature="the action catalog"
        what="Every fault you can inject (pod kill, node drain, node cordon, ping test, deployment scale-down, job) with its description, the permissions it needs and its parameters."
      />
    </>
  );
}
