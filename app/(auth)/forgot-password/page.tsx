import Link from "next/link";
import { ForgotPasswordForm } from "./forgot-form";

export const metadata = { title: "Forgot your password?" };

export default function ForgotPasswordPage() {
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold">Forgot your password?</h1>
      <p className="mb-5 text-sm text-slate-600">
        Enter the address you sign in with and we will mail you a link to choose a new one.{" "}
        <Link className="font-medium text-brand-600 hover:underline" href="/signin">
          Back to sign in
        </Link>
      </p>
      <ForgotPasswordForm />
    </>
  );
}
