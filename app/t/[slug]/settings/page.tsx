import { requireTeamAccess } from "@/lib/tenancy";
import { roleAllows } from "@/lib/rbac/permissions";
import { Card } from "@/app/_components/ui";
import { RenameTeamForm } from "./rename-form";

export const metadata = { title: "Team settings" };

export default async function TeamSettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const ctx = await requireTeamAccess((await params).slug, "team:read");
  return (
    <Card title="Team">
      <RenameTeamForm
        slug={ctx.team.slug}
        name={ctx.team.name}
        canEdit={roleAllows(ctx.role, "team:update")}
      />
      <p className="mt-4 text-xs text-slate-500">
        Team address: /t/{ctx.team.slug} (it stays the same when you rename the team).
      </p>
    </Card>
  );
}
