import { forbidden, notFound } from "next/navigation";
import { roleAllows } from "@/lib/rbac/permissions";
import { getSchedule, ScheduleError } from "@/lib/schedules";
import { requireTeamAccess } from "@/lib/tenancy";
import { PageHeader } from "@/app/_components/ui";
import { formChoices } from "../form-choices";
import { ScheduleForm } from "../schedule-form";

export const metadata = { title: "Edit schedule" };

export default async function EditSchedulePage({ params }: { params: Promise<{ slug: string; scheduleId: string }> }) {
  const { slug, scheduleId } = await params;
  const ctx = await requireTeamAccess(slug, "runs:read");
  const s = await getSchedule(ctx, scheduleId).catch((err: unknown) => {
    if (err instanceof ScheduleError) notFound();
    throw err;
  });
  if (!roleAllows(ctx.role, "runs:create")) forbidden();
  const choices = await formChoices(ctx);
  return (
    <>
      <PageHeader title="Edit schedule" description={s.what} />
      <ScheduleForm
        slug={ctx.team.slug}
        {...choices}
        initial={{
          id: s.id,
          kind: s.kind,
          experimentId: s.experimentId ?? "",
          actionId: s.actionId ?? "",
          clusterId: s.clusterId ?? "",
          params: JSON.stringify(s.params ?? {}, null, 2),
          cron: s.cron,
          timezone: s.timezone,
          latePolicy: s.latePolicy,
        }}
      />
    </>
  );
}
