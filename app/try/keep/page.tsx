import Link from "next/link";
import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth";
import { KeepTrialForm } from "./keep-form";

export const metadata = { title: "Keep your trial" };

// /try/keep — a guest turns the trial into an account; everyone else has nothing to keep.
export default async function KeepTrialPage() {
  const user = await getSessionUser();
  if (!user) redirect("/signin?callbackUrl=%2Ftry%2Fkeep");
  if (!user.isGuest) redirect("/");
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-4 py-12">
      <Link href="/" className="mb-8 flex items-center gap-2 text-lg font-semibold">
        <span aria-hidden className="inline-block h-6 w-6 rounded bg-brand-600" /> Pystol
      </Link>
      <div className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="mb-1 text-xl font-semibold">Keep your trial</h1>
        <p className="mb-5 text-sm text-slate-600">
          Create an account with your email and a password, then open the link we mail you. Your sandbox cluster, your runs and your share links stay
          as they are, and nothing expires any more.
        </p>
        <KeepTrialForm />
      </div>
    </main>
  );
}
