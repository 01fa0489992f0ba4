import { ALWAYS_PROTECTED } from "@/lib/actions";
import { db } from "@/lib/db";
import { requireTeamAccess, scoped } from "@/lib/tenancy";
import { roleAllows } from "@/lib/rbac/permissions";
import { Card } from "@/app/_components/ui";
import { prometheusSummary } from "@/lib/teams/prometheus";
import { runnerImageSummary } from "@/lib/teams/runner-image";
import { PrometheusSettings } from "./prometheus-form";
import { ProtectedNamespacesForm } from "./protected-namespaces-form";
import { RenameTeamForm } from "./rename-form";
import { RunnerImageForm } from "./runner-image-form";

export const metadata = { title: "Team settings" };

export default async function TeamSettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const ctx = await requireTeamAccess((await params).slug, "team:read");
  const canEdit = roleAllows(ctx.role, "team:update");
  const [team, prometheus, runnerImage] = await Promise.all([
    db.team.findUniqueOrThrow({ where: { id: scoped(ctx).teamId }, select: { protectedNamespaces: true } }),
    prometheusSummary(ctx),
    runnerImageSummary(ctx),
  ]);
  return (
    <div className="space-y-4">
      <Card title="Team">
        <RenameTeamForm slug={ctx.team.slug} name={ctx.team.name} canEdit={canEdit} />
        <p className="mt-4 text-xs text-slate-500">
          Team address: /t/{ctx.team.slug} (it stays the same when you rename the team).
        </p>
      </Card>
      <Card title="Safety">
        <ProtectedNamespacesForm slug={ctx.team.slug} namespaces={team.protectedNamespaces} always={ALWAYS_PROTECTED} canEdit={canEdit} />
      </Card>
      <Card title="Prometheus">
        <PrometheusSettings slug={ctx.team.slug} current={prometheus} canEdit={canEdit} />
      </Card>
      <Card title="Fault runner">
        <RunnerImageForm slug={ctx.team.slug} current={runnerImage} canEdit={canEdit} isTrial={ctx.team.isTrial} />
      </Card>
    </div>
  );
}
