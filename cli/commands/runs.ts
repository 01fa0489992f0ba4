import { EXIT, UsageError, type CommandContext } from "../context";
import { followRun } from "../follow";
import { printJson, printTable, stamp, when } from "../output";
import { parseStates, stateName } from "../states";
import type { LogLine, Run, Step } from "../types";
import { runExitCode } from "./run";

const path = (id: string) => `/runs/${encodeURIComponent(id)}`;

function needId(c: CommandContext, what: string): string {
  const id = c.args[0];
  if (!id) throw new UsageError(`runs ${what} needs a run id (see pystol runs ls)`);
  return id;
}

// pystol runs ls [--state s,s] [--action a] [--cluster c] [--limit n]
async function ls(c: CommandContext): Promise<number> {
  const q = new URLSearchParams();
  if (c.flags.state !== undefined) q.set("state", parseStates(c.flags.state).join(","));
  if (c.flags.action) q.set("action", c.flags.action);
  if (c.flags.cluster) q.set("cluster", c.flags.cluster);
  if (c.flags.limit !== undefined) {
    const n = Number(c.flags.limit);
    if (!Number.isInteger(n) || n < 1 || n > 100) throw new UsageError(`--limit takes a whole number from 1 to 100 (got "${c.flags.limit}")`);
    q.set("limit", String(n));
  }
  const { runs } = await (await c.client()).request<{ runs: Run[] }>(`/runs${q.size ? `?${q}` : ""}`);
  if (c.out.json) printJson(c.out, runs);
  else if (runs.length === 0) c.out.stdout("No runs match.\n");
  else printTable(c.out, ["ID", "ACTION", "CLUSTER", "STATE", "QUEUED (UTC)", "TARGETS"], runs.map((r) => [r.id, r.action + (r.dryRun ? " (dry run)" : ""), r.cluster.name, stateName(r.state), when(r.queuedAt), r.plan?.targets.length ?? 0]));
  return EXIT.ok;
}

// pystol runs get <id>
async function get(c: CommandContext): Promise<number> {
  const { run, steps } = await (await c.client()).request<{ run: Run; steps: Step[] }>(path(needId(c, "get")));
  if (c.out.json) {
    printJson(c.out, { run, steps });
    return EXIT.ok;
  }
  const o = c.out.stdout;
  const at = (iso: string | null) => (iso ? `${when(iso)} UTC` : "-");
  o(`Run ${run.id}\n  action   ${run.action}${run.dryRun ? " (dry run)" : ""}\n  cluster  ${run.cluster.name}\n  state    ${stateName(run.state)}${run.error ? ` — ${run.error}` : ""}\n`);
  o(`  queued   ${at(run.queuedAt)}\n  started  ${at(run.startedAt)}\n  finished ${at(run.finishedAt)}\n  plan     ${run.plan?.summary ?? "-"}\n`);
  if (steps.length) {
    o("\n");
    printTable(c.out, ["#", "STEP", "STATE", "ERROR"], steps.map((s) => [s.index + 1, s.name, stateName(s.state), s.error]));
  }
  return EXIT.ok;
}

// pystol runs logs <id> [--follow]
async function logs(c: CommandContext): Promise<number> {
  const id = needId(c, "logs");
  const client = await c.client();
  if (c.flags.follow) {
    const done = await followRun(client, id, (e) => (c.out.json ? c.out.stdout(`${JSON.stringify(e)}\n`) : c.out.stdout(`${stamp(e.at)} ${e.text}\n`)));
    return runExitCode(done);
  }
  const { logs } = await client.request<{ logs: LogLine[] }>(`${path(id)}/logs`);
  if (c.out.json) printJson(c.out, logs);
  else for (const l of logs) c.out.stdout(`${stamp(l.at)} ${l.level.padEnd(5)} ${l.message}\n`);
  return EXIT.ok;
}

// pystol runs abort <id>
async function abort(c: CommandContext): Promise<number> {
  const id = needId(c, "abort");
  const client = await c.client();
  const { run: before } = await client.request<{ run: Run }>(path(id));
  if (before.finished) {
    // Nothing to stop: say so, and fail, as a script that meant to stop a run needs to know.
    if (c.out.json) printJson(c.out, before);
    c.out.stderr(`pystol: run ${before.id} was already finished (${stateName(before.state)}${before.finishedAt ? ` at ${when(before.finishedAt)} UTC` : ""}); there is nothing to abort\n`);
    return EXIT.runFailed;
  }
  const { run } = await client.request<{ run: Run }>(`${path(id)}/abort`, { method: "POST" });
  if (c.out.json) printJson(c.out, run);
  else c.out.stdout(`Run ${run.id}: ${run.finished ? stateName(run.state) : "stopping (it rolls back what it changed)"}\n`);
  return EXIT.ok;
}

export const runs = { ls, get, logs, abort };
