"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export type ClusterTab = { href: string; label: string };

/** The views of one cluster as tabs; the first (Overview) is active only on its exact path. */
export function ClusterTabs({ tabs }: { tabs: ClusterTab[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Cluster" className="mb-6 flex flex-wrap gap-1 border-b border-slate-200">
      {tabs.map((t, i) => {
        const active = i === 0 ? pathname === t.href : pathname.startsWith(t.href);
        return (
          <Link
            key={t.href}
            href={t.href}
            aria-current={active ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-2 text-sm ${active ? "border-brand-600 font-medium text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900"}`}
          >
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}
