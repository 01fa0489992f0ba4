import Link from "next/link";
import { redirect } from "next/navigation";
import { getSessionUser, sameSitePath } from "@/lib/auth";
import { SignUpForm } from "./signup-form";

export const metadata = { title: "Create an account" };

export default async function SignUpPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  // Only a path on this site is followed after sign-up (an invitation to accept).
  const next = sameSitePath((await searchParams).callbackUrl) ?? undefined;
  if (await getSessionUser()) redirect(next ?? "/");
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold">Create an account</h1>
      <p className="mb-5 text-sm text-slate-600">
        Already have one?{" "}
        <Link
          className="font-medium text-brand-600 hover:underline"
          href={next ? `/signin?callbackUrl=${encodeURIComponent(next)}` : "/signin"}
        >
          Sign in
        </Link>
      </p>
      <SignUpForm next={next} />
    </>
  );
}
