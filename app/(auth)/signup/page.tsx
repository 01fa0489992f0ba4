import Link from "next/link";
import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth";
import { SignUpForm } from "./signup-form";

export const metadata = { title: "Create an account" };

export default async function SignUpPage() {
  if (await getSessionUser()) redirect("/");
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold">Create an account</h1>
      <p className="mb-5 text-sm text-slate-600">
        Already have one?{" "}
        <Link className="font-medium text-brand-600 hover:underline" href="/signin">
          Sign in
        </Link>
      </p>
      <SignUpForm />
    </>
  );
}
