import { EXIT, UsageError, type CommandContext } from "../context";
import { followRun } from "../follow";
import { printJson, printTable, stateText, when } from "../output";
import type { LogLine, Run, Step } from "../types";
import { runExitCode } from "./run";

const path = (id: string) => `/runs/${encodeURIComponent(id)}`;

function needId(c: CommandContext, what: string): string {
  const id = c.args[1];
  if (!id) throw new UsageError(`runs ${what} needs a run id (see pystol runs ls)`);
  return id;
}

// pystol runs ls [--state s,s] [--action a] [--cluster c] [--limit n]
async function ls(c: CommandContext): Promise<number> {
  const q = new URLSearchParams();
  if (c.flags.state) q.set("state", c.flags.state);
  if (c.flags.action) q.set("action", c.flags.action);
  if (c.flags.cluster) q.set("cluster", c.flags.cluster);
  if (c.flags.limit) q.set("limit", c.flags.limit);
  const { runs } = await (await c.client()).request<{ runs: Run[] }>(`/runs${q.size ? `?${q}` : ""}`);
  if (c.out.json) printJson(c.out, runs);
  else if (runs.length === 0) c.out.stdout("No runs match.\n");
  else printTable(c.out, ["ID", "ACTION", "CLUSTER", "STATE", "QUEUED", "TARGETS"], runs.map((r) => [r.id, r.action + (r.dryRun ? " (dry run)" : ""), r.cluster.name, stateText(r.state), when(r.queuedAt), r.plan?.targets.length ?? 0]));
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
  o(`Run ${run.id}\n  action   ${run.action}${run.dryRun ? " (dry run)" : ""}\n  cluster  ${run.cluster.name}\n  state    ${stateText(run.state)}${run.error ? ` — ${run.error}` : ""}\n`);
  o(`  queued   ${when(run.queuedAt)}\n  started  ${when(run.startedAt)}\n  finished ${when(run.finishedAt)}\n  plan     ${run.plan?.summary ?? "-"}\n`);
  if (steps.length) {
    o("\n");
    printTable(c.out, ["#", "STEP", "STATE", "ERROR"], steps.map((s) => [s.index + 1, s.name, stateText(s.state), s.error]));
  }
  return EXIT.ok;
}

// pystol runs logs <id> [--follow]
async function logs(c: CommandContext): Promise<number> {
  const id = needId(c, "logs");
  const client = await c.client();
  if (c.flags.follow) {
    const done = await followRun(client, id, (e) => (c.out.json ? c.out.stdout(`${JSON.stringify(e)}\n`) : c.out.stdout(`${e.text}\n`)));
    return runExitCode(done);
  }
  const { logs } = await client.request<{ logs: LogLine[] }>(`${path(id)}/logs`);
  if (c.out.json) printJson(c.out, logs);
  else for (const l of logs) c.out.stdout(`${when(l.at)} ${l.level.padEnd(5)} ${l.message}\n`);
  return EXIT.ok;
}

// pystol runs abort <id>
async function abort(c: CommandContext): Promise<number> {
  const { run } = await (await c.client()).request<{ run: Run }>(`${path(needId(c, "abort"))}/abort`, { method: "POST" });
  if (c.out.json) printJson(c.out, run);
  else c.out.stdout(`Run ${run.id}: ${run.finished ? stateText(run.state) : "stopping (it rolls back what it changed)"}\n`);
  return EXIT.ok;
}

export async function runs(c: CommandContext): Promise<number> {
  const sub = c.args[0] ?? "ls";
  const fn = { ls, list: ls, get, logs, abort }[sub];
  if (!fn) throw new UsageError(`unknown runs command "${sub}": use ls, get, logs or abort`);
  return fn(c);
}
