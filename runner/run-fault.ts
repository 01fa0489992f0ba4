// One fault's life: find what the plan needs, record how to undo each change before making it,
// hold the fault until its duration ends, a stop is asked (SIGTERM) or the lease is lost, then
// undo every change in reverse order. A change that could not be made undoes those before it.
import { lookup } from "node:dns/promises";
import { readdir } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { startDnsResolver, systemResolver } from "./dns-resolver";
import { CommandError, runCommand } from "./exec";
import { startHttpProxy } from "./http-proxy";
import { LeaseWatch, type LeaseSource } from "./lease";
import { planFault, tableName, type Plan, type PlanContext } from "./plan";
import { killRound, startHeld } from "./processes";
import type { FaultSpec } from "./spec";

export type EndReason = "duration" | "stopped" | "lease" | "rounds done" | "fault process ended";

export type RunnerEvent =
  | { event: "plan"; plan: Plan }
  | { event: "applied"; pids: number[] }
  | { event: "round"; round: number; pids: number[] }
  | { event: "ending"; reason: EndReason; detail: string }
  | { event: "removed"; reason: EndReason; errors: string[] };

export interface RunFaultOptions {
  spec: FaultSpec;
  lease: LeaseSource;
  /** How often the lease is read; abort by releasing the lease takes at most this long. */
  leasePollMs?: number;
  /** Aborted when the runner is told to stop (SIGTERM). */
  stop: AbortSignal;
  emit: (e: RunnerEvent) => void;
}

/** The fault could not be started; whatever was applied has been removed. */
export class NotStartedError extends Error {
  override name = "NotStartedError";
}

/** The fault ended but some of it could not be removed (named in the message). */
export class RemovalError extends Error {
  override name = "RemovalError";
}

async function interfaces(): Promise<string[]> {
  return (await readdir("/sys/class/net")).filter((i) => i !== "lo").sort();
}

async function resolveHosts(hosts: string[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const h of hosts) {
    try {
      out[h] = (await lookup(h, { all: true })).map((a) => a.address);
    } catch {
      throw new NotStartedError(
        `The host name ${h} does not resolve, so the partition would not cut it off.`,
      );
    }
  }
  return out;
}

/** What the plan depends on that is found on the machine (no changes are made). */
export async function planContext(
  spec: FaultSpec,
  lease: Pick<LeaseSource, "exemptions">,
): Promise<PlanContext> {
  const f = spec.fault;
  return {
    interfaces: f.kind === "network-latency" && !f.interfaces ? await interfaces() : [],
    resolved: f.kind === "network-partition" ? await resolveHosts(f.hosts) : {},
    exemptions: lease.exemptions,
    ports: {},
  };
}

const isGone = (e: unknown) =>
  e instanceof CommandError &&
  /No such file or directory|Cannot find device|Cannot delete qdisc with handle of zero/i.test(e.stderr);

type Undo = { what: string; run: () => Promise<void> };

export async function runFault(opts: RunFaultOptions): Promise<EndReason> {
  const { spec, emit } = opts;
  const watch = new LeaseWatch(opts.lease);
  const first = await watch.check();
  if (!first.ok) throw new NotStartedError(`Not starting: ${first.reason}.`);

  const ctx = await planContext(spec, opts.lease);
  if (opts.stop.aborted)
    throw new NotStartedError("Not starting: told to stop before the fault was applied.");
  const undo: Undo[] = [];
  const held: Promise<unknown>[] = [];
  const pids: number[] = [];
  const f = spec.fault;
  let rounds: Promise<void> | undefined;

  const removeAll = async (): Promise<string[]> => {
    const errors: string[] = [];
    for (const u of undo.reverse()) {
      try {
        await u.run();
      } catch (e) {
        if (!isGone(e)) errors.push(`${u.what}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    undo.length = 0;
    return errors;
  };

  try {
    if (f.kind === "dns") {
      const upstream = f.upstream ?? (await systemResolver());
      const [address = "", portText] = upstream.split(":");
      const r = await startDnsResolver({
        patterns: f.patterns,
        answer: f.answer,
        delayMs: f.delayMs,
        upstream: { address, port: Number(portText ?? 53) },
      });
      undo.push({ what: "DNS resolver", run: () => r.close() });
      ctx.ports.dns = r.port;
      ctx.ports.dnsForward = r.forwardPort;
    }
    if (f.kind === "http") {
      const p = await startHttpProxy({
        targetPort: f.port,
        pathPrefix: f.pathPrefix,
        percent: f.percent,
        delayMs: f.delayMs,
        status: f.status,
        faultId: spec.id,
      });
      undo.push({ what: "HTTP proxy", run: () => p.close() });
      ctx.ports.http = p.port;
    }
    const plan = planFault(spec, ctx);
    emit({ event: "plan", plan });

    if (plan.nftRuleset && plan.nftRemove) {
      const remove = plan.nftRemove;
      // A table of this name left by a runner that was killed outright is not ours to merge into.
      const existing = await runCommand(["nft", "list", "table", "inet", plan.table]).then(
        () => true,
        () => false,
      );
      if (existing)
        throw new NotStartedError(
          `The table inet ${plan.table} already exists (left by an earlier runner?); run the runner with --cleanup first.`,
        );
      // `nft -f` is one transaction: the table is there whole or not at all, so its undo is
      // recorded once it exists (the lasting undo record is the worker's `--cleanup`).
      await runCommand(["nft", "-f", "-"], plan.nftRuleset);
      undo.push({
        what: `nftables table ${plan.table}`,
        run: () => runCommand(remove).then(() => undefined),
      });
    }
    for (const [i, cmd] of plan.tcApply.entries()) {
      const rm = plan.tcRemove[i];
      await runCommand(cmd);
      if (rm) undo.push({ what: rm.join(" "), run: () => runCommand(rm).then(() => undefined) });
    }
    for (const argv of plan.processes) {
      const p = startHeld(argv);
      undo.push({ what: `${argv[0]} (pid ${p.pid})`, run: () => p.stop() });
      pids.push(p.pid);
      held.push(p.exited);
    }
    // A process that cannot run (missing binary, bad argument) fails within moments.
    await Promise.race([sleep(150), ...held]);
    if (f.kind === "process-kill") {
      rounds = (async () => {
        for (let round = 1; round <= f.rounds && !opts.stop.aborted; round++) {
          if (round > 1)
            await sleep(f.intervalSeconds * 1000, undefined, { signal: opts.stop }).catch(() => undefined);
          if (opts.stop.aborted) break;
          emit({ event: "round", round, pids: await killRound({ name: f.name, pid: f.pid }, f.signal) });
        }
      })();
    }
  } catch (e) {
    const errors = await removeAll();
    const why = e instanceof Error ? e.message : String(e);
    throw new NotStartedError(
      errors.length > 0 ? `${why} Removing what was applied also failed: ${errors.join("; ")}` : why,
    );
  }
  emit({ event: "applied", pids });

  const { reason, detail } = await hold(opts, watch, held, rounds);
  emit({ event: "ending", reason, detail });
  await rounds;
  const errors = await removeAll();
  emit({ event: "removed", reason, errors });
  if (errors.length > 0)
    throw new RemovalError(
      `The fault ended (${detail}) but could not be fully removed: ${errors.join("; ")}`,
    );
  return reason;
}

async function hold(
  opts: RunFaultOptions,
  watch: LeaseWatch,
  held: Promise<unknown>[],
  rounds: Promise<void> | undefined,
): Promise<{ reason: EndReason; detail: string }> {
  const done = new AbortController();
  const signal = AbortSignal.any([done.signal, opts.stop]);
  const endings: Promise<{ reason: EndReason; detail: string }>[] = [
    sleep(
      opts.spec.durationSeconds * 1000,
      { reason: "duration" as const, detail: `${opts.spec.durationSeconds} s passed` },
      { signal },
    ).catch(() => never),
    new Promise((resolve) => {
      if (opts.stop.aborted) resolve({ reason: "stopped", detail: "told to stop" });
      opts.stop.addEventListener("abort", () => resolve({ reason: "stopped", detail: "told to stop" }), {
        once: true,
      });
    }),
    (async () => {
      while (!signal.aborted) {
        await sleep(opts.leasePollMs ?? 500, undefined, { signal }).catch(() => undefined);
        if (signal.aborted) break;
        const v = await watch.check();
        if (!v.ok) return { reason: "lease" as const, detail: v.reason };
      }
      return never;
    })(),
    ...held.map((p) =>
      p.then(
        (code) => ({ reason: "fault process ended" as const, detail: `exit ${String(code)}` }),
        (e: unknown) => ({
          reason: "fault process ended" as const,
          detail: e instanceof Error ? e.message : String(e),
        }),
      ),
    ),
    ...(rounds ? [rounds.then(() => ({ reason: "rounds done" as const, detail: "every round ran" }))] : []),
  ];
  const first = await Promise.race(endings);
  done.abort();
  return first;
}

// A promise that never settles, for endings that did not happen.
const never = new Promise<never>(() => undefined);

/** Removes what a runner killed outright may have left for this fault id. */
export async function cleanup(spec: FaultSpec): Promise<string[]> {
  const removed: string[] = [];
  const table = tableName(spec);
  try {
    await runCommand(["nft", "delete", "table", "inet", table]);
    removed.push(`nftables table ${table}`);
  } catch (e) {
    if (!isGone(e)) throw e;
  }
  if (spec.fault.kind === "network-latency") {
    for (const dev of spec.fault.interfaces ?? (await interfaces())) {
      const qdiscs = await runCommand(["tc", "qdisc", "show", "dev", dev, "root"]);
      if (/^qdisc netem /m.test(qdiscs)) {
        await runCommand(["tc", "qdisc", "del", "dev", dev, "root"]);
        removed.push(`netem on ${dev}`);
      }
    }
  }
  return removed;
}
