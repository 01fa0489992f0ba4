import Link from "next/link";
import { roleAllows } from "@/lib/rbac/permissions";
import { listSchedules, type ScheduleSummary } from "@/lib/schedules";
import { requireTeamAccess } from "@/lib/tenancy";
import { Badge, ButtonLink, EmptyState, PageHeader, Table, Td } from "@/app/_components/ui";
import { ConfirmButton } from "../runs/confirm-button";
import { removeSchedule, setSchedulePaused } from "./actions";
import { RowButton } from "./row-button";

export const metadata = { title: "Schedules" };

const when = (iso: string, timeZone: string) => {
  try {
    return new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(iso));
  } catch {
    return iso;
  }
};

function LastResult({ s, base }: { s: ScheduleSummary; base: string }) {
  const l = s.last;
  if (!l) return <span className="text-slate-500">Not fired yet</span>;
  const link = l.runId ? `${base}/runs/${l.runId}` : null;
  return (
    <div className="space-y-0.5">
      {l.status === "FIRED" ? (
        <Badge tone="green">{l.late ? "Fired late" : "Fired"}</Badge>
      ) : l.status === "SKIPPED" ? (
        <Badge tone="amber">Skipped</Badge>
      ) : (
        <Badge tone="blue">Starting</Badge>
      )}
      <div className="text-xs text-slate-500">
        {when(l.dueAt, s.timezone)}
        {link ? (
          <>
            {" · "}
            <Link href={link} className="text-brand-700 hover:underline">
              the run
            </Link>
          </>
        ) : null}
      </div>
      {l.reason && l.status === "SKIPPED" ? <div className="max-w-xs text-xs text-slate-600">{l.reason}</div> : null}
    </div>
  );
}

export default async function SchedulesPage({ params }: { params: Promise<{ slug: string }> }) {
  const ctx = await requireTeamAccess((await params).slug, "runs:read");
  const base = `/t/${ctx.team.slug}`;
  const schedules = await listSchedules(ctx);
  const canEdit = roleAllows(ctx.role, "runs:create") && !ctx.team.isTrial;

  return (
    <>
      <PageHeader
        title="Schedules"
        description="Experiments and actions that run on a cron schedule. Each due time runs once, or is recorded as skipped with the reason."
        actions={canEdit ? <ButtonLink href={`${base}/schedules/new`}>New schedule</ButtonLink> : null}
      />
      {schedules.length === 0 ? (
        <EmptyState title="No schedules yet" action={canEdit ? <ButtonLink href={`${base}/schedules/new`}>New schedule</ButtonLink> : undefined}>
          {ctx.team.isTrial ? "Trial teams cannot schedule." : "Run an experiment every night, or an action every hour, and see each time's result here."}
        </EmptyState>
      ) : (
        <Table head={["What", "When", "Time zone", "Next", "Last result", ""]}>
          {schedules.map((s) => (
            <tr key={s.id} aria-label={`Schedule ${s.what}`}>
              <Td className="font-medium">
                {canEdit ? (
                  <Link href={`${base}/schedules/${s.id}`} className="text-brand-700 hover:underline">
                    {s.what}
                  </Link>
                ) : (
                  s.what
                )}
                <div className="text-xs font-normal text-slate-500">{s.kind === "experiment" ? "experiment" : "action"} · by {s.createdBy ?? "—"}</div>
              </Td>
              <Td>
                {s.description ? <div>{s.description}</div> : null}
                <code className="text-xs text-slate-600">{s.cron}</code>
              </Td>
              <Td className="whitespace-nowrap">{s.timezone}</Td>
              <Td className="whitespace-nowrap">{s.enabled ? (s.nextAt ? when(s.nextAt, s.timezone) : "—") : <Badge>Paused</Badge>}</Td>
              <Td>
                <LastResult s={s} base={base} />
              </Td>
              <Td>
                {canEdit ? (
                  <div className="flex flex-wrap justify-end gap-2">
                    <RowButton label={s.enabled ? "Pause" : "Resume"} fields={{ slug: ctx.team.slug, id: s.id, pause: String(s.enabled) }} action={setSchedulePaused} />
                    <ConfirmButton label="Delete" question="Delete this schedule? Its past runs stay." confirmLabel="Delete" fields={{ slug: ctx.team.slug, id: s.id }} action={removeSchedule} />
                  </div>
                ) : null}
              </Td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}
