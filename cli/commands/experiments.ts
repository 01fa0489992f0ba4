import { writeFile } from "node:fs/promises";
import path from "node:path";
import { verdictExitCode, type Verdict } from "../../lib/experiments/states";
import { ApiFailure } from "../client";
import { EXIT, UsageError, type CommandContext } from "../context";
import { followExecution } from "../follow-execution";
import { printJson, printTable, stamp, when } from "../output";
import { stateName } from "../states";
import type { Execution, ExecutionSummary, Experiment, ExperimentSummary } from "../types";
import { createLink } from "./share";

const experimentPath = (name: string) => `/experiments/${encodeURIComponent(name)}`;
const executionPath = (id: string) => `/executions/${encodeURIComponent(id)}`;

function needArg(c: CommandContext, command: string, what: string): string {
  const v = c.args[0];
  if (!v) throw new UsageError(`experiments ${command} needs ${what}`);
  return v;
}

/** What a run's end says: its verdict with the score and reason. */
function verdictLine(e: ExecutionSummary): string {
  const score = e.score === null ? "" : `, score ${e.score}`;
  return `Execution ${e.id} of ${e.experiment.name}: ${e.verdict ?? stateName(e.state)}${score}${e.reason ? ` — ${e.reason}` : ""}`;
}

/** The exit code of a finished execution, from its verdict: 0 passed, 1 failed, 3 stopped/aborted/not started, 4 error. */
export const executionExitCode = (e: ExecutionSummary): number => verdictExitCode(e.state as Verdict);

// pystol experiments ls
async function ls(c: CommandContext): Promise<number> {
  const { experiments } = await (await c.client()).request<{ experiments: ExperimentSummary[] }>("/experiments");
  if (c.out.json) printJson(c.out, experiments);
  else if (experiments.length === 0) c.out.stdout("No experiments yet. Create one in the web app (Experiments → New).\n");
  else
    printTable(
      c.out,
      ["NAME", "VERSION", "CLUSTER", "STAGES", "FAULTS", "CHECKS", "LAST", "SCORE", "UPDATED (UTC)"],
      experiments.map((e) => [e.name, e.version, e.cluster.name, e.stages, e.faults, e.checks, e.lastExecution ? stateName(e.lastExecution.state) : null, e.lastExecution?.score, when(e.updatedAt)]),
    );
  return EXIT.ok;
}

// pystol experiments get <name>
async function get(c: CommandContext): Promise<number> {
  const name = needArg(c, "get", "an experiment's name or id (see pystol experiments ls)");
  const client = await c.client();
  const { experiment } = await client.request<{ experiment: Experiment }>(experimentPath(name));
  const { executions } = await client.request<{ executions: ExecutionSummary[] }>(`${experimentPath(experiment.id)}/executions?limit=5`);
  if (c.out.json) {
    printJson(c.out, { experiment, executions });
    return EXIT.ok;
  }
  const o = c.out.stdout;
  const d = experiment.definition;
  o(`Experiment ${experiment.name} (version ${experiment.version})\n  id        ${experiment.id}\n  cluster   ${experiment.cluster.name}\n  updated   ${when(experiment.updatedAt)} UTC\n`);
  o(`  limits    at most ${d.maxDurationSeconds} s; after-checks within ${d.recoveryWindowSeconds} s\n`);
  if (d.description) o(`  ${d.description}\n`);
  o("\n");
  printTable(
    c.out,
    ["STAGE", "FAULT", "ACTION", "HELD"],
    d.stages.flatMap((s, i) => s.faults.map((f, j) => [j === 0 ? `${i + 1} ${s.name}` : "", f.name ?? f.actionId, f.actionId, f.durationSeconds ? `${f.durationSeconds} s` : "until done"])),
  );
  o("\n");
  printTable(
    c.out,
    ["CHECK", "TYPE", "MODE", "EVERY", "TOLERANCE", "STOPS"],
    d.checks.map((k) => [
      k.name,
      k.type,
      k.mode,
      k.mode === "during" ? `${k.intervalSeconds} s` : null,
      k.mode === "during" ? ("failures" in k.tolerance ? `${k.tolerance.failures} failures` : `${k.tolerance.percent} %`) : null,
      k.mode === "during" ? (k.stopOnTrip ? "yes" : "no") : null,
    ]),
  );
  if (executions.length) {
    o("\n");
    printExecutions(c, executions);
  }
  return EXIT.ok;
}

function printExecutions(c: CommandContext, executions: ExecutionSummary[]) {
  printTable(
    c.out,
    ["EXECUTION", "VERSION", "STATE", "SCORE", "QUEUED (UTC)", "REASON"],
    executions.map((e) => [e.id, e.version, stateName(e.state), e.score, when(e.queuedAt), e.reason]),
  );
}

// pystol experiments executions <name> [--limit n]
async function executions(c: CommandContext): Promise<number> {
  const name = needArg(c, "executions", "an experiment's name or id (see pystol experiments ls)");
  const q = new URLSearchParams();
  if (c.flags.limit !== undefined) {
    const n = Number(c.flags.limit);
    if (!Number.isInteger(n) || n < 1 || n > 100) throw new UsageError(`--limit takes a whole number from 1 to 100 (got "${c.flags.limit}")`);
    q.set("limit", String(n));
  }
  const { executions } = await (await c.client()).request<{ executions: ExecutionSummary[] }>(`${experimentPath(name)}/executions${q.size ? `?${q}` : ""}`);
  if (c.out.json) printJson(c.out, executions);
  else if (executions.length === 0) c.out.stdout(`${name} has not been run yet. Run it with: pystol experiments run ${JSON.stringify(name)}\n`);
  else printExecutions(c, executions);
  return EXIT.ok;
}

// pystol experiments run <name> [--confirm] [--wait]
async function run(c: CommandContext): Promise<number> {
  const name = needArg(c, "run", "an experiment's name or id (see pystol experiments ls)");
  const client = await c.client();
  const started = await client.request<{ execution: Execution }>(`${experimentPath(name)}/run`, {
    method: "POST",
    body: c.flags.confirm ? { confirm: (await client.request<{ experiment: Experiment }>(experimentPath(name))).experiment.name } : {},
  });
  const ex = started.execution;
  const say = (s: string) => (c.out.json ? c.out.stderr(s) : c.out.stdout(s));
  say(`Execution ${ex.id} of ${ex.experiment.name} (version ${ex.version}): ${stateName(ex.state)}\n`);
  if (!c.flags.wait || ex.finished) {
    if (c.out.json) printJson(c.out, ex);
    else if (!ex.finished) say(`Follow it with: pystol experiments follow ${ex.id}\nStop it with:   pystol experiments abort ${ex.id}\n`);
    else say(`${verdictLine(ex)}\n`);
    return ex.finished ? executionExitCode(ex) : EXIT.ok;
  }
  return follow(c, client, ex);
}

async function follow(c: CommandContext, client: Awaited<ReturnType<CommandContext["client"]>>, ex: Execution): Promise<number> {
  const say = (s: string) => (c.out.json ? c.out.stderr(s) : c.out.stdout(s));
  // Ctrl-C stops the following, never the execution: a pipeline's cancel must not leave a
  // half-run experiment behind by accident, and there is no one to ask. Say how to abort it.
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once("SIGINT", onSigint);
  try {
    const done = await followExecution(client, ex.id, (e) => say(`${stamp(e.at)} ${e.text}\n`), stop.signal, ex);
    if (!done) {
      c.out.stderr(`pystol: stopped following; execution ${ex.id} goes on. Abort it with: pystol experiments abort ${ex.id}\n`);
      return 130;
    }
    if (c.out.json) printJson(c.out, done);
    else say(`${verdictLine(done)}\n`);
    return executionExitCode(done);
  } finally {
    process.off("SIGINT", onSigint);
  }
}

// pystol experiments follow <execution>
async function followCommand(c: CommandContext): Promise<number> {
  const id = needArg(c, "follow", "an execution id (see pystol experiments executions <name>)");
  const client = await c.client();
  const { execution } = await client.request<{ execution: Execution }>(executionPath(id));
  if (!c.out.json) c.out.stdout(`Execution ${execution.id} of ${execution.experiment.name} (version ${execution.version}): ${stateName(execution.state)}\n`);
  return follow(c, client, execution);
}

// pystol experiments abort <execution>
async function abort(c: CommandContext): Promise<number> {
  const id = needArg(c, "abort", "an execution id (see pystol experiments executions <name>)");
  const client = await c.client();
  const { execution: before } = await client.request<{ execution: Execution }>(executionPath(id));
  if (before.finished) {
    // Nothing to stop: say so, and fail, as a script that meant to stop it needs to know.
    if (c.out.json) printJson(c.out, before);
    c.out.stderr(`pystol: execution ${before.id} already ended (${before.verdict ?? stateName(before.state)}${before.finishedAt ? ` at ${when(before.finishedAt)} UTC` : ""}); there is nothing to abort\n`);
    return EXIT.runFailed;
  }
  const { execution } = await client.request<{ execution: Execution }>(`${executionPath(id)}/abort`, { method: "POST" });
  if (c.out.json) printJson(c.out, execution);
  else c.out.stdout(`Execution ${execution.id}: ${execution.finished ? (execution.verdict ?? stateName(execution.state)) : "stopping (every active fault is rolled back)"}\n`);
  return EXIT.ok;
}

// pystol experiments share <execution> [--expires 1d|7d|30d|never]
async function share(c: CommandContext): Promise<number> {
  const id = needArg(c, "share", "an execution id (see pystol experiments executions <name>)");
  return createLink(c, `${executionPath(id)}/share-links`);
}

const REPORT_FORMATS: Record<string, "pdf" | "json" | "html"> = { ".pdf": "pdf", ".json": "json", ".html": "html", ".htm": "html" };

// pystol experiments report <execution> [-o report.pdf|report.json|report.html]
async function report(c: CommandContext): Promise<number> {
  const id = needArg(c, "report", "an execution id (see pystol experiments executions <name>)");
  const file = c.flags.output;
  const format = file ? REPORT_FORMATS[path.extname(file).toLowerCase()] : "json";
  if (!format) throw new UsageError(`experiments report writes .pdf, .json or .html files; ${path.basename(file!)} has none of these endings`);
  const client = await c.client();
  const res = await client.raw(`/reports?${new URLSearchParams({ execution: id, format }).toString()}`, { accept: format === "pdf" ? "application/pdf" : format === "html" ? "text/html" : "application/json" });
  if (!res.ok) {
    const text = await res.text();
    let e: { code?: string; message?: string } | undefined;
    try {
      e = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
    } catch {
      // Not the API's JSON: the status says enough.
    }
    throw new ApiFailure(res.status, e?.code ?? `http_${res.status}`, e?.message ?? `The server answered ${res.status}.`);
  }
  const bytes = Buffer.from(await res.arrayBuffer());
  if (!file) {
    c.out.stdout(bytes.toString("utf8"));
    return EXIT.ok;
  }
  await writeFile(file, bytes);
  if (c.out.json) printJson(c.out, { file, format, bytes: bytes.length });
  else c.out.stdout(`Wrote the report of execution ${id} to ${file} (${format.toUpperCase()}, ${bytes.length} bytes)\n`);
  return EXIT.ok;
}

export const experiments = { ls, get, run, executions, follow: followCommand, abort, share, report };
