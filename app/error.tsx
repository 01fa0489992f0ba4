"use client";

import { Button } from "@/app/_components/ui";

// Shown when a page fails unexpectedly; the digest lets an operator find the server log line.
export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <main className="mx-auto max-w-lg px-6 py-24 text-center">
      <p className="text-sm font-semibold text-red-700">Something went wrong</p>
      <h1 className="mt-2 text-2xl font-semibold">This page could not be shown</h1>
      <p className="mt-3 text-slate-600">
        Try again in a moment. If it keeps failing, send us this reference:{" "}
        <code>{error.digest ?? "none"}</code>
      </p>
      <Button className="mt-6" onClick={reset}>
        Try again
      </Button>
    </main>
  );
}
