import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import type { TeamContext } from "@/lib/tenancy";
import { createTestCluster, eventually, startRunStack, type RunStack } from "@/lib/runs/testing/harness";
import { saveExperiment } from "@/lib/experiments/testing/harness";
import { checkCron, describeCron, nextTimes } from "./cron";
import { catchUp, fireDueTime, resolveStaleFirings } from "./fire";
import { closeScheduleQueue, listSchedulers } from "./queue";
import { createSchedule, deleteSchedule, listSchedules, pauseSchedule, resumeSchedule, ScheduleError, updateSchedule } from "./store";
import { startScheduleWorker, type ScheduleWorkerHandle } from "./worker";

// Schedules against the real parts: PostgreSQL, Redis with BullMQ job schedulers, a sandbox
// cluster with the demo shop and a run worker. Seconds-level cron expressions keep it short.
Object.assign(process.env, {
  RUN_HEARTBEAT_MS: "200",
  RUN_STALE_MS: "2000",
  RUN_SWEEP_MS: "500",
  SCHEDULE_LATE_MS: "1500",
  // Sweeps are called by the tests themselves.
  SCHEDULE_SWEEP_MS: "600000",
});

let stack: RunStack;
let ctx: TeamContext;

const killCart = { actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart", count: 1 } };

async function contextFor(teamId: string): Promise<TeamContext> {
  const team = await db.team.findUniqueOrThrow({ where: { id: teamId }, select: { id: true, slug: true, name: true, personal: true, isTrial: true } });
  const email = `s-${randomBytes(5).toString("hex")}@example.com`;
  const user = await db.user.create({ data: { email, name: "Ada" } });
  return { team, role: "OWNER", user: { id: user.id, email, name: user.name }, tokenId: null };
}

// The most recent due time of an expression that has passed.
const lastDue = (cron: string) => {
  const [t] = nextTimes(cron, "UTC", 1, new Date(Date.now() - 2_000));
  return t!;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  stack = await startRunStack("schedules");
  ctx = await contextFor(stack.cluster.teamId);
});
afterAll(async () => {
  await closeScheduleQueue();
  await stack.close();
});

describe("cron", () => {
  it("validates with sentences, and describes common shapes in words", () => {
    expect(checkCron("0 3 * * *", "Europe/Madrid")).toEqual({ ok: true });
    expect(checkCron("*/2 * * * * *", "UTC")).toEqual({ ok: true });
    const bad = checkCron("61 * * * *", "UTC");
    expect(bad).toMatchObject({ ok: false, field: "cron" });
    expect(!bad.ok && bad.message).toMatch(/not a valid cron expression: constraint error, got value 61 expected range 0-59/);
    expect(checkCron("* * *", "UTC")).toMatchObject({ ok: false, field: "cron", message: expect.stringMatching(/has 5 fields .* this one has 3/) });
    expect(checkCron("", "UTC")).toMatchObject({ ok: false, field: "cron", message: expect.stringMatching(/^Enter a cron expression/) });
    expect(checkCron("0 3 * * *", "Mars/Base")).toMatchObject({ ok: false, field: "timezone", message: '"Mars/Base" is not a time zone; pick one such as UTC or Europe/Madrid.' });
    expect(describeCron("0 3 * * *")).toBe("every day at 03:00");
    expect(describeCron("30 9 * * 1-5")).toBe("on weekdays at 09:30");
    expect(describeCron("*/15 * * * *")).toBe("every 15 minutes");
    expect(describeCron("*/2 * * * * *")).toBe("every 2 seconds");
    expect(describeCron("5 4 1,15 * *")).toBeNull();
  });

  it("computes due times in the schedule's time zone", () => {
    const from = new Date("2026-07-01T00:00:00Z");
    expect(nextTimes("0 9 * * *", "Europe/Madrid", 2, from).map((d) => d.toISOString())).toEqual(["2026-07-01T07:00:00.000Z", "2026-07-02T07:00:00.000Z"]);
    expect(nextTimes("0 9 * * *", "America/New_York", 1, from)[0]!.toISOString()).toBe("2026-07-01T13:00:00.000Z");
  });
});

describe("schedules", () => {
  it("refuses bad input with a sentence per field, and trial teams", async () => {
    const err = await createSchedule(ctx, { ...killCart, clusterId: stack.cluster.clusterId, cron: "0 25 * * *", timezone: "UTC" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScheduleError);
    expect((err as ScheduleError).errors.cron).toMatch(/got value 25 expected range 0-23/);
    const tz = await createSchedule(ctx, { ...killCart, clusterId: stack.cluster.clusterId, cron: "0 3 * * *", timezone: "Nowhere/City" }).catch((e: unknown) => e);
    expect((tz as ScheduleError).errors.timezone).toMatch(/is not a time zone/);
    const params = await createSchedule(ctx, { actionId: "pod-kill", params: { namespace: "shop" }, clusterId: stack.cluster.clusterId, cron: "0 3 * * *" }).catch((e: unknown) => e);
    expect((params as ScheduleError).errors.params).toBeTruthy();
    const both = await createSchedule(ctx, { ...killCart, experimentId: "x", clusterId: stack.cluster.clusterId, cron: "0 3 * * *" }).catch((e: unknown) => e);
    expect((both as ScheduleError).errors.experimentId).toMatch(/exactly one/);
    const trial = { ...ctx, team: { ...ctx.team, isTrial: true } };
    const refused = await createSchedule(trial, { ...killCart, clusterId: stack.cluster.clusterId, cron: "0 3 * * *" }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "trial" });
  });

  it("pauses, resumes, edits and deletes, with the job scheduler following and each change audited", async () => {
    const s = await createSchedule(ctx, { ...killCart, clusterId: stack.cluster.clusterId, cron: "0 3 * * *", timezone: "Europe/Madrid" });
    expect((await listSchedulers()).find((h) => h.id === s.id)).toMatchObject({ pattern: "0 3 * * *", tz: "Europe/Madrid" });
    await pauseSchedule(ctx, s.id);
    expect((await listSchedulers()).some((h) => h.id === s.id)).toBe(false);
    expect((await listSchedules(ctx)).find((x) => x.id === s.id)).toMatchObject({ enabled: false, nextAt: null });
    await resumeSchedule(ctx, s.id);
    await updateSchedule(ctx, s.id, { cron: "30 4 * * 1-5", latePolicy: "skip" });
    const listed = (await listSchedules(ctx)).find((x) => x.id === s.id)!;
    expect(listed).toMatchObject({ enabled: true, cron: "30 4 * * 1-5", description: "on weekdays at 04:30", latePolicy: "skip", createdBy: "Ada" });
    expect((await listSchedulers()).find((h) => h.id === s.id)).toMatchObject({ pattern: "30 4 * * 1-5" });
    await deleteSchedule(ctx, s.id);
    expect((await listSchedulers()).some((h) => h.id === s.id)).toBe(false);
    const audit = await db.auditEvent.findMany({ where: { targetType: "schedule", targetId: s.id }, orderBy: { at: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["schedule.created", "schedule.paused", "schedule.resumed", "schedule.updated", "schedule.deleted"]);
    expect(audit[0]!.actorUserId).toBe(ctx.user!.id);
  });

  it("deleting the cluster deletes its schedules", async () => {
    const other = await createTestCluster(stack.sandbox);
    const octx = await contextFor(other.teamId);
    const s = await createSchedule(octx, { ...killCart, clusterId: other.clusterId, cron: "0 3 * * *" });
    await db.cluster.delete({ where: { id: other.clusterId } });
    expect(await db.schedule.count({ where: { id: s.id } })).toBe(0);
  });

  it("a due time handled twice at once is recorded and started once", async () => {
    const s = await createSchedule(ctx, { ...killCart, clusterId: stack.cluster.clusterId, cron: "*/5 * * * * *", enabled: false });
    await db.schedule.update({ where: { id: s.id }, data: { enabled: true, activeSince: new Date(Date.now() - 60_000) } });
    const due = lastDue("*/5 * * * * *");
    const results = await Promise.all(Array.from({ length: 8 }, () => fireDueTime(s.id, due, { lateAfterMs: 60_000 })));
    expect(results.flat()).toHaveLength(1);
    expect(results.flat()[0]).toMatchObject({ status: "FIRED" });
    expect(await db.run.count({ where: { scheduleId: s.id } })).toBe(1);
    await db.schedule.update({ where: { id: s.id }, data: { enabled: false } });
  });

  it("records a skip with its reason: the previous run still running, the team at its limit, the cluster unreachable", async () => {
    const c = await createTestCluster(stack.sandbox, { maxConcurrentRuns: 1 });
    const cctx = await contextFor(c.teamId);
    const s = await createSchedule(cctx, { ...killCart, clusterId: c.clusterId, cron: "*/5 * * * * *", enabled: false });
    await db.schedule.update({ where: { id: s.id }, data: { enabled: true, activeSince: new Date(Date.now() - 60_000) } });
    const due = lastDue("*/5 * * * * *");
    const at = (ms: number) => new Date(due.getTime() - ms);

    const held = await db.run.create({ data: { teamId: c.teamId, clusterId: c.clusterId, actionId: "pod-kill", params: {}, state: "RUNNING", scheduleId: s.id } });
    expect(await fireDueTime(s.id, at(15_000), { lateAfterMs: 60_000 })).toMatchObject([{ status: "SKIPPED", skipCode: "busy", reason: `The previous run (${held.id}) is still running.` }]);
    await db.run.update({ where: { id: held.id }, data: { scheduleId: null } });
    expect(await fireDueTime(s.id, at(10_000), { lateAfterMs: 60_000 })).toMatchObject([
      { status: "SKIPPED", skipCode: "concurrency-limit", reason: "The team has 1 run in progress; its limit is 1." },
    ]);
    await db.run.update({ where: { id: held.id }, data: { state: "SUCCEEDED", finishedAt: new Date() } });

    await db.cluster.update({ where: { id: c.clusterId }, data: { status: "UNREACHABLE", statusMessage: "connection refused" } });
    expect(await fireDueTime(s.id, at(5_000), { lateAfterMs: 60_000 })).toMatchObject([{ status: "SKIPPED", skipCode: "cluster-unreachable", reason: expect.stringMatching(/unreachable: connection refused/) }]);
    // Unreachable in fact though not yet marked: the cluster refuses at planning time.
    await db.cluster.update({ where: { id: c.clusterId }, data: { status: "CONNECTED" } });
    await stack.sandbox.admin.deleteCluster(c.sandboxId).catch(() => undefined);
    const [last] = await fireDueTime(s.id, due, { lateAfterMs: 60_000 });
    expect(last).toMatchObject({ status: "SKIPPED" });
    const audit = await db.auditEvent.count({ where: { targetId: s.id, action: "schedule.skipped" } });
    expect(audit).toBe(4);
  });

  it("an experiment's schedule skips while its previous execution runs, and goes with the experiment", async () => {
    const experiment = await saveExperiment(ctx, stack.cluster, { stages: [{ name: "lose a cart pod", faults: [{ actionId: "pod-kill", params: killCart.params }] }],
      checks: [{ name: "cart available", type: "kubernetes", mode: "before-and-after", check: { condition: "workload-available", workload: "Deployment", namespace: "shop", name: "cart", minAvailable: 1 } }],
    });
    const s = await createSchedule(ctx, { experimentId: experiment.id, cron: "*/5 * * * * *", enabled: false });
    await db.schedule.update({ where: { id: s.id }, data: { enabled: true, activeSince: new Date(Date.now() - 60_000) } });
    const running = await db.experimentExecution.create({
      data: { teamId: ctx.team.id, experimentId: experiment.id, version: 1, clusterId: stack.cluster.clusterId, definition: {}, state: "OBSERVING" },
    });
    expect(await fireDueTime(s.id, lastDue("*/5 * * * * *"), { lateAfterMs: 60_000 })).toMatchObject([
      { status: "SKIPPED", skipCode: "busy", reason: `The previous execution (${running.id}) is still running.` },
    ]);
    await db.experimentExecution.delete({ where: { id: running.id } });
    await db.experiment.delete({ where: { id: experiment.id } });
    expect(await db.schedule.count({ where: { id: s.id } })).toBe(0);
  });

  it("a firing whose worker stopped after claiming it is resolved by the sweep", async () => {
    const s = await createSchedule(ctx, { ...killCart, clusterId: stack.cluster.clusterId, cron: "0 3 * * *", enabled: false });
    const dueAt = new Date("2026-01-01T03:00:00Z");
    const old = new Date(Date.now() - 10 * 60_000);
    const f = await db.scheduleFiring.create({ data: { scheduleId: s.id, teamId: ctx.team.id, dueAt, firedAt: old } });
    const run = await db.run.create({ data: { teamId: ctx.team.id, clusterId: stack.cluster.clusterId, actionId: "pod-kill", params: {}, state: "SUCCEEDED", scheduleId: s.id } });
    const g = await db.scheduleFiring.create({ data: { scheduleId: s.id, teamId: ctx.team.id, dueAt: new Date("2026-01-02T03:00:00Z"), firedAt: new Date() } });
    expect(await resolveStaleFirings(60_000)).toBeGreaterThanOrEqual(1);
    expect(await db.scheduleFiring.findUniqueOrThrow({ where: { id: f.id } })).toMatchObject({ status: "FIRED", runId: run.id });
    // A recent claim is left to its worker.
    expect(await db.scheduleFiring.findUniqueOrThrow({ where: { id: g.id } })).toMatchObject({ status: "FIRING" });
    await db.scheduleFiring.deleteMany({ where: { scheduleId: s.id } });
  });

  it("fires every due time exactly once across two workers", async () => {
    const c = await createTestCluster(stack.sandbox);
    const cctx = await contextFor(c.teamId);
    const workers: ScheduleWorkerHandle[] = [startScheduleWorker({ workerId: "a" }), startScheduleWorker({ workerId: "b" })];
    const s = await createSchedule(cctx, { ...killCart, clusterId: c.clusterId, cron: "*/2 * * * * *" });
    const firings = await eventually("four due times recorded", async () => {
      const rows = await db.scheduleFiring.findMany({ where: { scheduleId: s.id, status: { not: "FIRING" } }, orderBy: { dueAt: "asc" } });
      return rows.length >= 4 && rows;
    });
    await pauseSchedule(cctx, s.id);
    await Promise.all(workers.map((w) => w.close()));
    const times = firings.map((f) => f.dueAt.getTime());
    // Consecutive due times, none missing, none twice.
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(2_000);
    expect(firings.every((f) => f.status === "FIRED" || f.skipCode === "busy")).toBe(true);
    const fired = firings.filter((f) => f.status === "FIRED");
    expect(fired.length).toBeGreaterThan(0);
    expect(await db.run.count({ where: { scheduleId: s.id } })).toBe(fired.length);
  });

  it("after every worker was down, runs the newest missed time late (run-late) or skips them all (skip)", async () => {
    const c = await createTestCluster(stack.sandbox);
    const cctx = await contextFor(c.teamId);
    const late = await createSchedule(cctx, { ...killCart, clusterId: c.clusterId, cron: "*/2 * * * * *", latePolicy: "run-late" });
    const skipping = await createSchedule(cctx, { ...killCart, clusterId: c.clusterId, cron: "*/2 * * * * *", latePolicy: "skip" });
    // No worker runs for several due times.
    await sleep(7_000);
    const worker = startScheduleWorker({ workerId: "restarted" });
    await worker.sweep();
    await worker.close();
    const lateRows = await db.scheduleFiring.findMany({ where: { scheduleId: late.id, late: true }, orderBy: { dueAt: "asc" } });
    expect(lateRows.length).toBeGreaterThanOrEqual(2);
    expect(lateRows.at(-1)).toMatchObject({ status: "FIRED", reason: expect.stringMatching(/^Run late: no worker was running/) });
    expect(lateRows.slice(0, -1).every((r) => r.status === "SKIPPED" && r.skipCode === "missed")).toBe(true);
    const skipRows = await db.scheduleFiring.findMany({ where: { scheduleId: skipping.id, late: true } });
    expect(skipRows.length).toBeGreaterThanOrEqual(2);
    expect(skipRows.every((r) => r.status === "SKIPPED" && /the schedule skips missed times/.test(r.reason ?? ""))).toBe(true);
    // Caught up once: a second pass finds nothing more to do for those times.
    const again = await catchUp(skipping.id, { lateAfterMs: 60_000 });
    expect(again).toEqual([]);
    await pauseSchedule(cctx, late.id);
    await pauseSchedule(cctx, skipping.id);
  });
});
