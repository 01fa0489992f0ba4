"use client";

import { useState } from "react";
import { buttonClass } from "@/app/_components/ui";

// "Try it now": a plain form post to /try, so it works before the page's scripts have loaded;
// once they have, the button says that the trial is being prepared.
export function TryButton({ label = "Try it now — no sign-up" }: { label?: string }) {
  const [starting, setStarting] = useState(false);
  return (
    <form action="/try" method="post" onSubmit={() => setStarting(true)}>
      <button type="submit" disabled={starting} aria-busy={starting} className={`${buttonClass("primary")} px-5 py-2.5 text-base`}>
        {starting ? "Preparing your cluster…" : label}
      </button>
    </form>
  );
}
