import Link from "next/link";

export default function SharedRunNotFound() {
  return (
    <main className="mx-auto max-w-lg px-6 py-24 text-center">
      <p className="text-sm font-semibold text-brand-600">404</p>
      <h1 className="mt-2 text-2xl font-semibold">This shared link does not work</h1>
      <p className="mt-3 text-slate-600">
        It may have expired or been revoked, or the address is incomplete. Ask whoever sent it for a new link.
      </p>
      <Link href="/" className="mt-6 inline-block font-medium text-brand-600 hover:underline">
        Go to Pystol
      </Link>
    </main>
  );
}
