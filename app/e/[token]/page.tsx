import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { getSharedExecution, type SharedExecution } from "@/lib/share";
import { Badge, Card, Stat, Table, Td } from "@/app/_components/ui";
import { formatRunDuration, runDurationMs } from "@/lib/runs/run-duration";
import { sharedMetadata, stateLabel, stateTone, utc } from "@/app/r/[token]/format";

export const dynamic = "force-dynamic";

// Metadata and the page read the same link once per request (and count one view).
const load = cache(getSharedExecution);

type Props = { params: Promise<{ token: string }> };

/** At most this many evaluations per check are listed; the newest are kept. */
const SAMPLE_ROWS = 200;

const outcomeTone = (o: string | null) => (o === "pass" ? "green" : o === "fail" ? "red" : o === "error" ? "amber" : "slate");

function verdictText(e: SharedExecution): string {
  return e.verdict ?? `${stateLabel(e.state)} (in progress)`;
}

function describe(e: SharedExecution): string {
  const score = e.score === null ? "" : ` Score ${e.score}/100.`;
  return `${e.description || "A chaos experiment"}. Verdict: ${verdictText(e)}.${score}${e.reason ? ` ${e.reason}.` : ""} Shared from Pystol.`.slice(0, 300);
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const e = await load((await params).token);
  return sharedMetadata(e && { title: `${e.experimentName}: ${verdictText(e)}`, description: describe(e) });
}

function paramsText(params: unknown): string {
  if (!params || typeof params !== "object") return "";
  return Object.entries(params as Record<string, unknown>)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(", ");
}

function thresholdText(t: SharedExecution["checks"][number]["threshold"]): string {
  return t ? `healthy ${t.op} ${t.value}${t.unit ? ` ${t.unit}` : ""}` : "—";
}

/** The events of the execution in time order, each with its offset from the start. */
function timeline(e: SharedExecution): { at: Date; what: string }[] {
  return [
    { at: e.queuedAt, what: "queued" },
    ...(e.startedAt ? [{ at: e.startedAt, what: "started: before-checks" }] : []),
    ...e.stages.flatMap((s) => [
      ...(s.startedAt ? [{ at: s.startedAt, what: `stage ${s.index + 1} started: ${s.name}` }] : []),
      ...s.faults.flatMap((f) => [
        ...(f.startedAt ? [{ at: f.startedAt, what: `fault ${s.index + 1}.${f.index + 1} injected: ${f.name}` }] : []),
        ...(f.finishedAt ? [{ at: f.finishedAt, what: `fault ${s.index + 1}.${f.index + 1} ${f.state ? stateLabel(f.state) : "ended"}: ${f.name}` }] : []),
      ]),
      ...(s.endedAt ? [{ at: s.endedAt, what: `stage ${s.index + 1} ended` }] : []),
    ]),
    ...(e.trippedBy ? [{ at: e.trippedBy.at, what: `stop condition tripped: ${e.trippedBy.name}` }] : []),
    ...(e.faultsEndedAt ? [{ at: e.faultsEndedAt, what: "every fault ended and rolled back: after-checks" }] : []),
    ...(e.finishedAt ? [{ at: e.finishedAt, what: `verdict: ${verdictText(e)}` }] : []),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** An experiment execution shared by link: readable signed out, with nothing secret on it. */
export default async function SharedExecutionPage({ params }: Props) {
  const e = await load((await params).token);
  if (!e) notFound();
  const start = (e.startedAt ?? e.queuedAt).getTime();
  const offset = (at: Date) => {
    const ms = at.getTime() - start;
    return `${ms < 0 ? "−" : "+"}${formatRunDuration(Math.abs(ms))}`;
  };
  const faults = e.stages.reduce((n, s) => n + s.faults.length, 0);

  return (
    <main className="mx-auto max-w-5xl space-y-6 px-4 py-10 sm:px-6">
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div className="min-w-0">
          <p className="text-sm text-slate-500">
            <Link href="/" className="font-semibold text-brand-600">
              Pystol
            </Link>{" "}
            · shared experiment result · {e.teamName}
          </p>
          <h1 className="mt-1 flex flex-wrap items-center gap-3 text-2xl font-semibold tracking-tight">
            <span className="break-words">{e.experimentName}</span>
            <Badge tone={stateTone(e.state)}>{verdictText(e)}</Badge>
          </h1>
          {e.description ? <p className="mt-1 text-sm text-slate-600">{e.description}</p> : null}
        </div>
        <p className="text-xs text-slate-500">{e.expiresAt ? `This link works until ${utc(e.expiresAt)}.` : "This link works until it is revoked."}</p>
      </header>

      <div className="grid grid-cols-2 gap-4 sm:grid-cols-4">
        <Stat label="Verdict" value={verdictText(e)} />
        <Stat label="Resilience score" value={e.score === null ? "—" : `${e.score} / 100`} />
        <Stat label="Faults" value={faults} hint={`${e.stages.length} stage${e.stages.length === 1 ? "" : "s"} · version ${e.version}`} />
        <Stat label="Duration" value={formatRunDuration(runDurationMs(e))} hint={`Queued ${utc(e.queuedAt)}`} />
      </div>

      {e.reason ? (
        <div
          role="status"
          className={`rounded-md border px-3 py-2 text-sm ${e.state === "PASSED" ? "border-emerald-200 bg-emerald-50 text-emerald-800" : e.state === "FAILED" || e.state === "ERROR" ? "border-red-200 bg-red-50 text-red-800" : "border-slate-200 bg-slate-50 text-slate-700"}`}
        >
          {e.reason}
        </div>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Timeline">
          <ol className="space-y-1 text-sm" aria-label="Timeline">
            {timeline(e).map((t, i) => (
              <li key={i} className="flex gap-3">
                <span className="w-20 shrink-0 text-right tabular-nums text-slate-500">{offset(t.at)}</span>
                <span className="min-w-0 break-words text-slate-800" title={utc(t.at)}>
                  {t.what}
                </span>
              </li>
            ))}
          </ol>
        </Card>
        <Card title="Checks">
          <ul className="space-y-2 text-sm">
            {e.checks.map((c) => (
              <li key={c.index} className="flex flex-wrap items-center gap-2">
                <span className="font-medium">{c.name}</span>
                <span className="text-slate-500">
                  {c.type} · {c.mode}
                </span>
                {(["before", "during", "after"] as const).map((phase) =>
                  c.outcome[phase] ? (
                    <Badge key={phase} tone={outcomeTone(c.outcome[phase])}>
                      {phase}: {c.outcome[phase]}
                    </Badge>
                  ) : null,
                )}
                {c.tripped ? <Badge tone="red">tripped</Badge> : null}
              </li>
            ))}
          </ul>
          <p className="mt-3 text-xs text-slate-500">Cluster: {e.clusterKind === "SANDBOX" ? "sandbox cluster" : "Kubernetes cluster"}</p>
        </Card>
      </div>

      <section className="space-y-2">
        <h2 className="text-sm font-semibold text-slate-700">Stages and faults</h2>
        <Table head={["Stage", "Fault", "Parameters", "State", "Took", "Summary"]}>
          {e.stages.flatMap((s) =>
            s.faults.map((f) => (
              <tr key={`${s.index}.${f.index}`}>
                <Td>{f.index === 0 ? `${s.index + 1}. ${s.name}` : ""}</Td>
                <Td>
                  {f.name}
                  <span className="block text-xs text-slate-500">{f.actionTitle}</span>
                </Td>
                <Td className="break-all font-mono text-xs">{paramsText(f.params)}</Td>
                <Td>{f.state ? <Badge tone={stateTone(f.state)}>{stateLabel(f.state)}</Badge> : <span className="text-slate-500">not injected</span>}</Td>
                <Td className="tabular-nums">{f.startedAt && f.finishedAt ? formatRunDuration(f.finishedAt.getTime() - f.startedAt.getTime()) : "—"}</Td>
                <Td className="text-slate-600">{f.summary ?? ""}</Td>
              </tr>
            )),
          )}
        </Table>
      </section>

      {e.checks.map((c) => {
        const rows = c.samples.slice(-SAMPLE_ROWS);
        return (
          <section key={c.index} className="space-y-2" aria-label={`Check ${c.name}`}>
            <h2 className="text-sm font-semibold text-slate-700">
              Check: {c.name} <span className="font-normal text-slate-500">({thresholdText(c.threshold)})</span>
            </h2>
            {rows.length === 0 ? (
              <p className="text-sm text-slate-500">This check was not evaluated.</p>
            ) : (
              <>
                {c.samples.length > rows.length ? <p className="text-xs text-slate-500">The last {rows.length} of {c.samples.length} evaluations.</p> : null}
                <Table head={["When", "Phase", "Outcome", "Value", "Observed"]}>
                  {rows.map((p, i) => (
                    <tr key={i}>
                      <Td className="tabular-nums text-slate-500">
                        <span title={utc(p.at)}>{offset(p.at)}</span>
                      </Td>
                      <Td>{p.phase}</Td>
                      <Td>
                        <Badge tone={outcomeTone(p.outcome)}>{p.outcome}</Badge>
                      </Td>
                      <Td className="tabular-nums">{p.value === null ? "—" : `${p.value}${c.threshold?.unit ? ` ${c.threshold.unit}` : ""}`}</Td>
                      <Td className="break-words text-slate-600">{p.observed}</Td>
                    </tr>
                  ))}
                </Table>
              </>
            )}
          </section>
        );
      })}
    </main>
  );
}
