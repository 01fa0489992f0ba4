import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="mx-auto max-w-lg px-6 py-24 text-center">
      <p className="text-sm font-semibold text-amber-700">403</p>
      <h1 className="mt-2 text-2xl font-semibold">Your role in this team does not allow this</h1>
      <p className="mt-3 text-slate-600">Ask an owner or admin of the team to change your role.</p>
      <Link href="/" className="mt-6 inline-block font-medium text-brand-600 hover:underline">
        Go to your dashboard
      </Link>
    </main>
  );
}
