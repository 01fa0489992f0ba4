import { roleAllows } from "@/lib/rbac/permissions";
import { requireTeamAccess } from "@/lib/tenancy";
import { Alert, PageHeader } from "@/app/_components/ui";
import { formChoices } from "../form-choices";
import { ScheduleForm } from "../schedule-form";

export const metadata = { title: "New schedule" };

export default async function NewSchedulePage({ params }: { params: Promise<{ slug: string }> }) {
  const ctx = await requireTeamAccess((await params).slug, "runs:read");
  const canCreate = roleAllows(ctx.role, "runs:create");
  const choices = await formChoices(ctx);
  return (
    <>
      <PageHeader title="New schedule" description="Run an experiment or one action on a cron schedule, in a time zone." />
      {!canCreate ? (
        <Alert tone="amber">Your role in this team does not allow creating schedules.</Alert>
      ) : ctx.team.isTrial ? (
        <Alert tone="amber">Trial teams cannot schedule; create an account to keep experiments running on a schedule.</Alert>
      ) : (
        <ScheduleForm
          slug={ctx.team.slug}
          {...choices}
          initial={{ kind: choices.experiments.length ? "experiment" : "action", experimentId: "", actionId: "", clusterId: "", params: "{}", cron: "0 3 * * 1-5", timezone: "UTC", latePolicy: "run-late" }}
        />
      )}
    </>
  );
}
