import Link from "next/link";
import { requireTeamAccess, listUserTeamsOnce } from "@/lib/tenancy";
import { ROLE_LABELS, roleAllows } from "@/lib/rbac/permissions";
import { SideNav } from "./_shell/nav";
import { TeamSwitcher, UserMenu } from "./_shell/menus";
import { GuideSlot } from "./_guide/guide-slot";

export default async function TeamLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ slug: string }>;
}) {
  const { slug } = await params;
  const ctx = await requireTeamAccess(slug, "team:read");
  const teams = (await listUserTeamsOnce(ctx.user!.id)).map((m) => ({
    slug: m.team.slug,
    name: m.team.name,
    role: ROLE_LABELS[m.role],
  }));
  // Each role sees the pages it can use: a viewer has no Run page in the menu.
  const canRun = roleAllows(ctx.role, "runs:create");
  return (
    <div className="min-h-screen">
      <header className="sticky top-0 z-10 flex h-14 items-center justify-between gap-2 border-b border-slate-200 bg-white px-4">
        {/* One line at every width: on phones the word mark goes and a long team name is cut. */}
        <div className="flex min-w-0 items-center gap-2 sm:gap-3">
          <Link href={`/t/${ctx.team.slug}`} aria-label="Pystol" className="flex shrink-0 items-center gap-2 font-semibold">
            <span aria-hidden className="inline-block h-5 w-5 rounded bg-brand-600" /> <span className="hidden sm:inline">Pystol</span>
          </Link>
          <span aria-hidden className="text-slate-300">/</span>
          <TeamSwitcher
            current={{ slug: ctx.team.slug, name: ctx.team.name, role: ROLE_LABELS[ctx.role] }}
            teams={teams}
          />
        </div>
        <UserMenu name={ctx.user!.name} email={ctx.user!.email} />
      </header>
      <div className="border-b border-slate-200 bg-white px-2 py-1 md:hidden">
        <SideNav slug={ctx.team.slug} canRun={canRun} row />
      </div>
      <div className="mx-auto flex max-w-7xl gap-8 px-4 py-6">
        <aside className="hidden w-52 shrink-0 md:block">
          <SideNav slug={ctx.team.slug} canRun={canRun} />
        </aside>
        <main className="min-w-0 flex-1">
          <GuideSlot ctx={ctx} />
          {children}
        </main>
      </div>
    </div>
  );
}
