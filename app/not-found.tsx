import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto max-w-lg px-6 py-24 text-center">
      <p className="text-sm font-semibold text-brand-600">404</p>
      <h1 className="mt-2 text-2xl font-semibold">
        This page does not exist, or you do not have access to it
      </h1>
      <p className="mt-3 text-slate-600">Check the address, or go back to your teams.</p>
      <Link href="/" className="mt-6 inline-block font-medium text-brand-600 hover:underline">
        Go to your dashboard
      </Link>
    </main>
  );
}
