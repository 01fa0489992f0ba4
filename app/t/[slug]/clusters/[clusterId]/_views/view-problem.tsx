import { explainViewError, type ViewError } from "@/lib/views";

/** Why a view has no data, in words, with what to do next: never an error page. */
export function ViewProblem({ error, what }: { error: ViewError; what: string }) {
  const e = explainViewError(error, what);
  return (
    <div role="alert" data-testid="view-problem" className="rounded-lg border border-amber-200 bg-amber-50 px-5 py-4 text-sm text-amber-900">
      <h2 className="font-semibold">{e.title}</h2>
      <p className="mt-1">{e.detail}</p>
      <p className="mt-2 text-amber-800">{e.next}</p>
    </div>
  );
}
