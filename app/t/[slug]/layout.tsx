import Link from "next/link";
import { requireTeamAccess, listUserTeamsOnce } from "@/lib/tenancy";
import { ROLE_LABELS } from "@/lib/rbac/permissions";
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
  return (
    <div className="min-h-screen">
      <header className="sticky top-0 z-10 flex h-14 items-center justify-between border-b border-slate-200 bg-white px-4">
        <div className="flex items-center gap-3">
          <Link href={`/t/${ctx.team.slug}`} className="flex items-center gap-2 font-semibold">
            <span aria-hidden className="inline-block h-5 w-5 rounded bg-brand-600" /> Pystol
          </Link>
          <span className="text-slate-300">/</span>
          <TeamSwitcher
            current={{ slug: ctx.team.slug, name: ctx.team.name, role: ROLE_LABELS[ctx.role] }}
            teams={teams}
          />
        </div>
        <UserMenu name={ctx.user!.name} email={ctx.user!.email} />
      </header>
      <div className="border-b border-slate-200 bg-white px-2 py-1 md:hidden">
        <SideNav slug={ctx.team.slug} row />
      </div>
      <div className="mx-auto flex max-w-7xl gap-8 px-4 py-6">
        <aside className="hidden w-52 shrink-0 md:block">
          <SideNav slug={ctx.team.slug} />
        </aside>
        <main className="min-w-0 flex-1">
          <GuideSlot ctx={ctx} />
          {children}
        </main>
      </div>
    </div>
  );
}
