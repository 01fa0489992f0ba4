import Link from "next/link";

// The header of the public pages (landing, docs, FAQ): where to learn more and where to start.
export function SiteHeader() {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex h-14 max-w-6xl items-center justify-between px-4">
        <Link href="/" className="flex items-center gap-2 font-semibold">
          <span aria-hidden className="inline-block h-5 w-5 rounded bg-brand-600" /> Pystol
        </Link>
        {/* One line on a phone: Docs and FAQ are in the footer there. */}
        <nav aria-label="Site" className="flex items-center gap-1 whitespace-nowrap text-sm">
          <Link href="/docs" className="hidden rounded-md px-3 py-2 text-slate-700 hover:bg-slate-100 sm:block">
            Docs
          </Link>
          <Link href="/faq" className="hidden rounded-md px-3 py-2 text-slate-700 hover:bg-slate-100 sm:block">
            FAQ
          </Link>
          <Link href="/signin" className="rounded-md px-3 py-2 text-slate-700 hover:bg-slate-100">
            Sign in
          </Link>
          <Link href="/signup" className="rounded-md bg-brand-600 px-3 py-2 font-medium text-white hover:bg-brand-700">
            Create account
          </Link>
        </nav>
      </div>
    </header>
  );
}

export function SiteFooter() {
  return (
    <footer className="mt-16 border-t border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-4 px-4 py-6 text-sm text-slate-500">
        <span>Pystol — fault injection for Kubernetes</span>
        <nav aria-label="Footer" className="flex gap-4">
          <Link href="/docs" className="hover:text-slate-800">
            Guide
          </Link>
          <Link href="/faq" className="hover:text-slate-800">
            FAQ
          </Link>
          <Link href="/signup" className="hover:text-slate-800">
            Create account
          </Link>
        </nav>
      </div>
    </footer>
  );
}
