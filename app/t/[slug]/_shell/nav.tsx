"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const ITEMS = [
  { href: "", label: "Overview" },
  { href: "/clusters", label: "Clusters" },
  { href: "/actions", label: "Available actions" },
  { href: "/run", label: "Run" },
  { href: "/runs", label: "Executed" },
  { href: "/settings", label: "Settings" },
];

/** The team's pages: a column beside the content, or a scrolling row on narrow screens. */
export function SideNav({ slug, row = false }: { slug: string; row?: boolean }) {
  const pathname = usePathname();
  const base = `/t/${slug}`;
  return (
    <nav aria-label="Team" className={row ? "flex gap-1 overflow-x-auto" : "space-y-0.5"}>
      {ITEMS.map((item) => {
        const href = `${base}${item.href}`;
        // "/run" must not light up on "/runs": a prefix counts only up to a "/".
        const active =
          item.href === "" ? pathname === base : pathname === href || pathname.startsWith(`${href}/`);
        return (
          <Link
            key={item.label}
            href={href}
            aria-current={active ? "page" : undefined}
            className={`block shrink-0 rounded-md px-3 py-2 text-sm ${active ? "bg-brand-50 font-medium text-brand-700" : "text-slate-700 hover:bg-slate-100"}`}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
