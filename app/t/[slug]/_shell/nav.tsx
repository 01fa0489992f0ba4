"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const ITEMS = [
  { href: "", label: "Overview" },
  { href: "/clusters", label: "Clusters" },
  { href: "/actions", label: "Available actions", short: "Actions" },
  { href: "/run", label: "Run", needsRun: true },
  { href: "/runs", label: "Executed" },
  { href: "/experiments", label: "Experiments" },
  { href: "/resilience", label: "Resilience" },
  { href: "/schedules", label: "Schedules" },
  { href: "/settings", label: "Settings" },
];

/**
 * The team's pages: a column beside the content, or on narrow screens a grid of three per row,
 * so that every page is in sight (a scrolling row hid the last ones). Pages the role cannot
 * use are left out (a viewer has no Run).
 */
export function SideNav({ slug, canRun, row = false }: { slug: string; canRun: boolean; row?: boolean }) {
  const pathname = usePathname();
  const base = `/t/${slug}`;
  return (
    <nav aria-label="Team" className={row ? "grid grid-cols-3 gap-1" : "space-y-0.5"}>
      {ITEMS.filter((item) => canRun || !item.needsRun).map((item) => {
        const href = `${base}${item.href}`;
        // "/run" must not light up on "/runs": a prefix counts only up to a "/".
        const active =
          item.href === "" ? pathname === base : pathname === href || pathname.startsWith(`${href}/`);
        return (
          <Link
            key={item.label}
            href={href}
            aria-current={active ? "page" : undefined}
            aria-label={row && item.short ? item.label : undefined}
            className={`block rounded-md text-sm ${row ? "px-2 py-1.5 text-center" : "px-3 py-2"} ${active ? "bg-brand-50 font-medium text-brand-700" : "text-slate-700 hover:bg-slate-100"}`}
          >
            {row && item.short ? item.short : item.label}
          </Link>
        );
      })}
    </nav>
  );
}
