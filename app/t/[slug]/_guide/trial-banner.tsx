import Link from "next/link";

function timeLeft(expiresAt: Date, now: number): string {
  const minutes = Math.max(0, Math.round((expiresAt.getTime() - now) / 60_000));
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} hour${h === 1 ? "" : "s"}`;
}

/** The trial's time left and the way to keep it. */
export function TrialBanner({ expiresAt, isGuest }: { expiresAt: Date; isGuest: boolean }) {
  // Rendered on the server per request: "now" is the request's time.
  // eslint-disable-next-line react-hooks/purity
  const now = Date.now();
  return (
    <div role="status" className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-amber-200 bg-amber-50 px-4 py-2.5 text-sm text-amber-900">
      <span>
        <strong>Trial</strong> — this team, its sandbox cluster and its runs are deleted in {timeLeft(expiresAt, now)}.
      </span>
      {isGuest ? (
        <Link href="/try/keep" className="rounded-md bg-white px-3 py-1.5 font-medium text-amber-900 ring-1 ring-amber-300 hover:bg-amber-100">
          Keep this trial
        </Link>
      ) : null}
    </div>
  );
}
