import { requireTeamAccess } from "@/lib/tenancy";
import { roleAllows } from "@/lib/rbac/permissions";
import { PageHeader } from "@/app/_components/ui";
import { Tabs, type Tab } from "@/app/_components/tabs";

// Settings: tabs for the sub-pages the member's role may open; each page checks again.
export default async function SettingsLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ slug: string }>;
}) {
  const ctx = await requireTeamAccess((await params).slug, "team:read");
  const base = `/t/${ctx.team.slug}/settings`;
  const tabs: Tab[] = [
    { href: base, label: "Team" },
    { href: `${base}/members`, label: "Members" },
    ...(roleAllows(ctx.role, "tokens:manage") ? [{ href: `${base}/tokens`, label: "API tokens" }] : []),
    ...(roleAllows(ctx.role, "team:update") ? [{ href: `${base}/webhooks`, label: "Webhooks" }] : []),
    ...(roleAllows(ctx.role, "audit:read") ? [{ href: `${base}/audit`, label: "Audit log" }] : []),
  ];
  return (
    <>
      <PageHeader
        title="Settings"
        description="The team's name, its members, API tokens, webhooks and the record of what happened."
      />
      <Tabs label="Settings" tabs={tabs} />
      {children}
    </>
  );
}
