import { z } from "zod";
import { Card } from "@/app/_components/ui";
import { PingMatrix, pingResultSchema } from "./ping-matrix";

// A run's result as people read it: the ping test's matrix as a heat map, a job's output as a
// log, anything else as labelled values. Shared by the run page and the shared-result page.

const jobResultSchema = z.object({
  job: z.string(),
  outcome: z.string().nullable().optional(),
  exitCode: z.number().nullable(),
  log: z.string(),
});

function humanise(key: string): string {
  const words = key.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function show(v: unknown): string {
  if (Array.isArray(v)) return v.length === 0 ? "none" : v.map((x) => (Array.isArray(x) ? show(x) : x !== null && typeof x === "object" ? JSON.stringify(x) : String(x))).join(", ");
  if (v !== null && typeof v === "object") return JSON.stringify(v);
  return String(v);
}

// A list of lists (a pod kill's pods per round) reads as a numbered list, one line per entry.
function Value({ v }: { v: unknown }) {
  if (Array.isArray(v) && v.length > 0 && v.every(Array.isArray)) {
    return (
      <ol className="list-inside list-decimal">
        {v.map((x, i) => (
          <li key={i}>{show(x)}</li>
        ))}
      </ol>
    );
  }
  return <>{show(v)}</>;
}

function JobOutput({ result }: { result: z.infer<typeof jobResultSchema> }) {
  const lines = result.log.replace(/\n$/, "").split("\n");
  const ok = result.exitCode === 0;
  return (
    <div className="space-y-2">
      <p className="text-sm" data-testid="job-exit">
        Job <span className="font-mono text-xs">{result.job}</span> ·{" "}
        <span className={ok ? "font-medium text-green-700" : "font-medium text-red-700"}>exit code {result.exitCode ?? "unknown"}</span>
        {result.outcome ? ` · ${result.outcome === "Complete" ? "completed" : result.outcome.toLowerCase()}` : null}
      </p>
      {result.log === "" ? (
        <p className="text-sm text-slate-500">The job wrote no output.</p>
      ) : (
        <pre role="log" aria-label="Job output" className="max-h-[32rem] overflow-auto rounded-md bg-slate-900 p-3 text-xs leading-5 text-slate-100">
          {lines.map((line, i) => (
            <div key={i} className="whitespace-pre-wrap break-words">
              {line || " "}
            </div>
          ))}
        </pre>
      )}
    </div>
  );
}

function Values({ result }: { result: Record<string, unknown> }) {
  return (
    <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[12rem_1fr]">
      {Object.entries(result).map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-slate-500">{humanise(k)}</dt>
          <dd className="min-w-0 break-words">
            <Value v={v} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** The Result card of a run, or nothing when the run has no result. */
export function RunResult({ actionId, result }: { actionId: string; result: unknown }) {
  if (result === null || result === undefined) return null;
  let body;
  const ping = actionId === "ping-test" ? pingResultSchema.safeParse(result) : null;
  const job = actionId === "job" ? jobResultSchema.safeParse(result) : null;
  if (ping?.success) body = <PingMatrix result={ping.data} />;
  else if (job?.success) body = <JobOutput result={job.data} />;
  else if (typeof result === "object" && !Array.isArray(result)) body = <Values result={result as Record<string, unknown>} />;
  else body = <p className="text-sm">{show(result)}</p>;
  return <Card title="Result">{body}</Card>;
}
