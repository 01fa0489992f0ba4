import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { getSharedRun, type SharedRun } from "@/lib/share";
import { Badge, Card, Stat, Table, Td } from "@/app/_components/ui";
import { RunDuration } from "@/app/_components/run-duration";
import { formatRunDuration } from "@/lib/runs/run-duration";
import { sharedMetadata, stateLabel, stateTone, utc } from "./format";
import { Timeline } from "./timeline";
import { RunResult } from "@/app/t/[slug]/runs/[runId]/run-result";
import { runParamRows } from "@/app/t/[slug]/runs/[runId]/run-params";

export const dynamic = "force-dynamic";

// Metadata and the page read the same link once per request (and count one view).
const load = cache(getSharedRun);

type Props = { params: Promise<{ token: string }> };

function headline(run: SharedRun): string {
  return `${run.action.title}${run.dryRun ? " (dry run)" : ""}: ${stateLabel(run.state)}`;
}

function describe(run: SharedRun): string {
  const what = run.summary ?? run.action.description;
  return `${what}. Outcome: ${stateLabel(run.state)}${run.error ? ` (${run.error})` : ""}. Shared from Pystol.`.slice(0, 300);
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const run = await load((await params).token);
  return sharedMetadata(run && { title: headline(run), description: describe(run) });
}

/** A run result shared by link: readable signed out, with nothing secret on it. */
export default async function SharedRunPage({ params }: Props) {
  const run = await load((await params).token);
  if (!run) notFound();
  const stepByTarget = new Map(run.steps.filter((s) => s.target).map((s) => [`${s.target!.kind}/${s.target!.namespace ?? ""}/${s.target!.name}`, s.state]));

  return (
    <main className="mx-auto max-w-5xl space-y-6 px-6 py-10">
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <p className="text-sm text-slate-500">
            <Link href="/" className="font-semibold text-brand-600">
              Pystol
            </Link>{" "}
            · shared run result · {run.teamName}
          </p>
          <h1 className="mt-1 flex items-center gap-3 text-2xl font-semibold tracking-tight">
            {run.action.title}
            {run.dryRun ? <Badge tone="blue">dry run</Badge> : null}
            <Badge tone={stateTone(run.state)}>{stateLabel(run.state)}</Badge>
          </h1>
          {run.summary ? <p className="mt-1 text-sm text-slate-600">{run.summary}</p> : null}
        </div>
        <p className="text-xs text-slate-500">
          {run.expiresAt ? `This link works until ${utc(run.expiresAt)}.` : "This link works until it is revoked."}
        </p>
      </header>

      <div className="grid gap-4 sm:grid-cols-4">
        <Stat label="Outcome" value={stateLabel(run.state)} />
        <Stat label="Objects affected" value={run.targets.length} />
        <Stat label="Steps" value={run.steps.length} />
        <Stat
          label="Duration"
          value={<RunDuration startedAt={run.startedAt?.toISOString() ?? null} finishedAt={run.finishedAt?.toISOString() ?? null} drawnAt={new Date().getTime()} />}
          hint={`Queued ${utc(run.queuedAt)}`}
        />
      </div>

      {run.error ? (
        <div role="status" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {run.error}
        </div>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Action and parameters">
          <p className="mb-3 text-sm text-slate-600">{run.action.description}</p>
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-slate-500">Action</dt>
            <dd className="font-mono">{run.action.id}</dd>
            <dt className="text-slate-500">Cluster</dt>
            <dd>{run.clusterKind === "SANDBOX" ? "Sandbox cluster" : "Kubernetes cluster"}</dd>
            {runParamRows(run.action.id, run.params).map(([label, value]) => (
              <div key={label} className="contents">
                <dt className="text-slate-500">{label}</dt>
                <dd className="whitespace-pre-wrap break-words font-mono">{value}</dd>
              </div>
            ))}
          </dl>
        </Card>
        <Card title="Timeline">
          <Timeline run={run} />
        </Card>
      </div>

      <section className="space-y-2">
        <h2 className="text-sm font-semibold text-slate-700">Objects affected</h2>
        {run.targets.length === 0 ? (
          <p className="text-sm text-slate-500">The plan named no objects.</p>
        ) : (
          <Table head={["Kind", "Namespace", "Name", "Outcome"]}>
            {run.targets.map((t) => {
              const state = stepByTarget.get(`${t.kind}/${t.namespace ?? ""}/${t.name}`);
              return (
                <tr key={`${t.kind}/${t.namespace}/${t.name}`}>
                  <Td>{t.kind}</Td>
                  <Td>{t.namespace ?? "—"}</Td>
                  <Td className="font-mono">{t.name}</Td>
                  <Td>{state ? <Badge tone={stateTone(state)}>{stateLabel(state)}</Badge> : <span className="text-slate-500">{run.dryRun ? "would be hit" : "not touched"}</span>}</Td>
                </tr>
              );
            })}
          </Table>
        )}
      </section>

      <section className="space-y-2">
        <h2 className="text-sm font-semibold text-slate-700">Steps</h2>
        {run.steps.length === 0 ? (
          <p className="text-sm text-slate-500">{run.dryRun ? "A dry run changes nothing: it has no steps." : "No steps were recorded."}</p>
        ) : (
          <Table head={["#", "Step", "State", "Took", "Error"]}>
            {run.steps.map((s) => (
              <tr key={s.index}>
                <Td className="tabular-nums text-slate-500">{s.index + 1}</Td>
                <Td>{s.name}</Td>
                <Td>
                  <Badge tone={stateTone(s.state)}>{stateLabel(s.state)}</Badge>
                </Td>
                <Td className="tabular-nums">{s.startedAt && s.finishedAt ? formatRunDuration(s.finishedAt.getTime() - s.startedAt.getTime()) : "—"}</Td>
                <Td className="text-red-700">{s.error ?? ""}</Td>
              </tr>
            ))}
          </Table>
        )}
      </section>

      <RunResult actionId={run.action.id} result={run.result} />

      <Card title={`Log (${run.logs.length} line${run.logs.length === 1 ? "" : "s"})`}>
        {run.logs.length === 0 ? (
          <p className="text-sm text-slate-500">The run wrote no log lines.</p>
        ) : (
          <pre className="max-h-[32rem] overflow-auto rounded bg-console p-3 text-xs leading-5 text-console-text">
            {run.logs.map((l, i) => (
              <div key={i} className={l.level === "error" ? "text-console-error" : l.level === "warn" ? "text-console-warn" : undefined}>
                <span className="text-console-muted">{l.at.toISOString().slice(11, 23)}</span> {l.message}
              </div>
            ))}
          </pre>
        )}
      </Card>
    </main>
  );
}
