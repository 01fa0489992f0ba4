"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import { useEffect, useRef } from "react";
import { signOutEverywhereAction } from "./actions";

// A <details> menu that closes like a menu should: on a click outside, on Escape, and
// after navigating.
function useMenu() {
  const ref = useRef<HTMLDetailsElement>(null);
  const pathname = usePathname();
  useEffect(() => {
    if (ref.current) ref.current.open = false;
  }, [pathname]);
  useEffect(() => {
    const close = (e: MouseEvent | KeyboardEvent) => {
      const el = ref.current;
      if (!el?.open) return;
      if (e instanceof KeyboardEvent ? e.key === "Escape" : !el.contains(e.target as Node)) el.open = false;
    };
    document.addEventListener("click", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("click", close);
      document.removeEventListener("keydown", close);
    };
  }, []);
  return ref;
}

type TeamItem = { slug: string; name: string; role: string };

const menuClass =
  "absolute z-20 mt-2 min-w-56 rounded-md border border-slate-200 bg-white py-1 text-sm shadow-lg";

export function TeamSwitcher({ current, teams }: { current: TeamItem; teams: TeamItem[] }) {
  const ref = useMenu();
  return (
    <details ref={ref} className="relative min-w-0">
      <summary
        className="flex cursor-pointer list-none items-center gap-2 rounded-md px-2 py-1.5 text-sm font-medium hover:bg-slate-100"
        data-testid="team-switcher"
      >
        <span className="truncate">{current.name}</span>
        <span aria-hidden className="text-slate-400">
          ▾
        </span>
      </summary>
      <div className={`${menuClass} left-0`}>
        <div className="px-3 py-1.5 text-xs font-medium uppercase tracking-wide text-slate-500">
          Your teams
        </div>
        {teams.map((t) => (
          <Link
            key={t.slug}
            href={`/t/${t.slug}`}
            className="flex justify-between gap-4 px-3 py-1.5 hover:bg-slate-50"
          >
            <span className={t.slug === current.slug ? "font-medium" : ""}>{t.name}</span>
            <span className="text-xs text-slate-500">{t.role}</span>
          </Link>
        ))}
        <div className="my-1 border-t border-slate-100" />
        <Link href="/teams/new" className="block px-3 py-1.5 text-brand-700 hover:bg-slate-50">
          Create a team
        </Link>
      </div>
    </details>
  );
}

export function UserMenu({ name, email }: { name: string; email: string }) {
  const ref = useMenu();
  return (
    <details ref={ref} className="relative">
      <summary
        className="flex cursor-pointer list-none items-center gap-2 rounded-md px-2 py-1.5 text-sm hover:bg-slate-100"
        data-testid="user-menu"
      >
        <span
          aria-hidden
          className="flex h-7 w-7 items-center justify-center rounded-full bg-slate-200 text-xs font-semibold"
        >
          {name.slice(0, 1).toUpperCase()}
        </span>
        <span className="hidden sm:inline">{name}</span>
      </summary>
      <div className={`${menuClass} right-0`}>
        <div className="px-3 py-2 text-xs text-slate-500">{email}</div>
        <button
          type="button"
          onClick={() => signOut({ callbackUrl: "/signin" })}
          className="block w-full px-3 py-1.5 text-left hover:bg-slate-50"
        >
          Sign out
        </button>
        <button
          type="button"
          onClick={async () => {
            await signOutEverywhereAction();
            await signOut({ callbackUrl: "/signin" });
          }}
          className="block w-full px-3 py-1.5 text-left hover:bg-slate-50"
        >
          Sign out everywhere
        </button>
      </div>
    </details>
  );
}
