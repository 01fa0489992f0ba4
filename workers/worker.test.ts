import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, type JobState } from "@/lib/db";
import { QUEUES, closeProducerConnection, closeQueues, enqueueJob, getQueue } from "@/lib/queue";
import { eventually } from "@/lib/runs/testing/harness";

// The real path, no mocks: enqueue as the web app does, a real worker process started with
// tsx, the test PostgreSQL database and a Redis key prefix of this test run.
interface RunningWorker {
  child: ChildProcess;
  port: number;
}

function startWorker(graceMs: number): Promise<RunningWorker> {
  const child = spawn(process.execPath, ["--import", "tsx", "workers/worker.ts"], {
    env: { ...process.env, WORKER_HEALTH_PORT: "0", WORKER_SHUTDOWN_GRACE_MS: String(graceMs), WORKER_SCHEDULE_CHECK_MS: "300", LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /WORKER_READY (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once("exit", (code) => reject(new Error(`worker exited early with ${code}`)));
  });
}

async function stopWorker(w: RunningWorker): Promise<number | null> {
  if (w.child.exitCode !== null) return w.child.exitCode;
  const exited = once(w.child, "exit");
  w.child.kill("SIGTERM");
  const [code] = await exited;
  return code as number | null;
}

// Tests that start worker processes get a generous limit: on a loaded 2-core machine a tsx
// start alone can take many seconds. Limits catch a hang; they assert no timing.
const SLOW = 180_000;

// Polls the row; the bound is a safety net for a broken worker, not a timing assertion.
async function waitForState(id: string, states: JobState[]) {
  for (let i = 0; i < 2400; i++) {
    const row = await db.backgroundJob.findUniqueOrThrow({ where: { id } });
    if (states.includes(row.state)) return row;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${id} never reached ${states.join("/")}`);
}

describe("worker process", () => {
  const queue = () => getQueue(QUEUES.background);
  let worker: RunningWorker;
  beforeAll(async () => {
    worker = await startWorker(30_000);
  }, SLOW);
  afterAll(async () => {
    if (worker.child.exitCode === null) worker.child.kill("SIGKILL");
    await queue().obliterate({ force: true }).catch(() => undefined);
    await closeQueues();
    await closeProducerConnection();
    await db.$disconnect();
  });

  it("carries a job from the web side through the queue to PostgreSQL", async () => {
    const id = await enqueueJob("system.ping", { note: "hello" });
    const row = await waitForState(id, ["COMPLETED", "FAILED"]);
    expect(row.state).toBe("COMPLETED");
    expect(row.workerId).toMatch(new RegExp(`:${worker.child.pid}$`));
    expect(row.result).toMatchObject({ pong: true, workerId: row.workerId, handledAt: expect.any(String) });
    expect(row.attempts).toBe(1);
  });

  it("refuses an invalid payload before anything is written", async () => {
    const before = await db.backgroundJob.count();
    // @ts-expect-error: the type forbids it; the runtime check must too
    await expect(enqueueJob("system.ping", { note: 42 })).rejects.toThrow();
    expect(await db.backgroundJob.count()).toBe(before);
  });

  it("fails an invalid message with a recorded reason and keeps serving", async () => {
    // A stored payload that no longer matches its schema (as after a bad manual edit).
    const bad = await db.backgroundJob.create({ data: { type: "system.ping", payload: { note: 42 } } });
    await queue().add("system.ping", { backgroundJobId: bad.id, type: "system.ping", version: 1 }, { jobId: bad.id });
    const failed = await waitForState(bad.id, ["FAILED", "COMPLETED"]);
    expect(failed.state).toBe("FAILED");
    expect(failed.error).toMatch(/Invalid payload for system.ping: note:/);

    // A message of the wrong shape: the reason lands on the row its id names.
    const odd = await db.backgroundJob.create({ data: { type: "system.ping", payload: {} } });
    await queue().add("system.ping", { nonsense: true }, { jobId: odd.id, attempts: 3 });
    const oddRow = await waitForState(odd.id, ["FAILED", "COMPLETED"]);
    expect(oddRow.state).toBe("FAILED");
    expect(oddRow.error).toMatch(/Invalid queue message/);
    // The row is written before BullMQ moves the job to its failed set: wait for that move.
    const oddJob = await eventually("the odd job is failed in the queue", async () => {
      // State first, then the job: a job read before the move still shows its old counters.
      return (await queue().getJobState(odd.id)) === "failed" ? queue().getJob(odd.id) : undefined;
    });
    expect(oddJob.attemptsMade).toBe(1); // not retried: retrying cannot fix it

    // A version this worker does not know.
    const future = await db.backgroundJob.create({ data: { type: "system.ping", payload: {} } });
    await queue().add("system.ping", { backgroundJobId: future.id, type: "system.ping", version: 99 }, { jobId: future.id });
    expect((await waitForState(future.id, ["FAILED", "COMPLETED"])).error).toMatch(/version 99 is not handled/);

    const ok = await waitForState(await enqueueJob("system.ping", {}), ["COMPLETED", "FAILED"]);
    expect(ok.state).toBe("COMPLETED");
    expect(worker.child.exitCode).toBeNull();
  });

  it("schedules the repeating jobs again when Redis has lost them, without a restart", async () => {
    await eventually("trial expiry scheduled at start", async () => (await queue().getJobScheduler("trials.expire")) ?? false, SLOW);
    // What a Redis restart without persistence leaves: no scheduler, no delayed job.
    await queue().removeJobScheduler("trials.expire");
    expect(await queue().getJobScheduler("trials.expire")).toBeUndefined();
    const back = await eventually("trial expiry scheduled again", async () => (await queue().getJobScheduler("trials.expire")) ?? false, SLOW);
    expect(back.every).toBe(60_000);
    expect(worker.child.exitCode).toBeNull();
  });

  it("answers its health check and serves metrics", async () => {
    const res = await fetch(`http://127.0.0.1:${worker.port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, postgres: true, redis: true });
    const metrics = await (await fetch(`http://127.0.0.1:${worker.port}/metrics`)).text();
    expect(metrics).toMatch(/pystol_jobs_processed_total\{type="system.ping",outcome="completed"\} \d+/);
    expect(metrics).toContain("pystol_job_duration_seconds_bucket");
    expect(metrics).toMatch(/pystol_queue_depth\{queue="background"\} \d+/);
  });

  it("finishes its current job on SIGTERM, then exits 0", async () => {
    const id = await enqueueJob("system.sleep", { ms: 1500 });
    await waitForState(id, ["ACTIVE"]);
    expect(await stopWorker(worker)).toBe(0);
    expect((await db.backgroundJob.findUniqueOrThrow({ where: { id } })).state).toBe("COMPLETED");
  }, SLOW);

  it("hands a job still running at the deadline back to the queue, where it is not lost", async () => {
    await stopWorker(worker); // so that only the worker below can take the job
    // A grace period far shorter than the job: the job is either finished or handed back.
    const first = await startWorker(100);
    const id = await enqueueJob("system.sleep", { ms: 3000 });
    await waitForState(id, ["ACTIVE"]);
    expect(await stopWorker(first)).toBe(0);
    const row = await db.backgroundJob.findUniqueOrThrow({ where: { id } });
    expect(["QUEUED", "COMPLETED"]).toContain(row.state);
    if (row.state === "QUEUED") expect(await (await queue().getJob(id))!.getState()).toBe("waiting");

    // Another worker picks it up and finishes it.
    const second = await startWorker(30_000);
    try {
      expect((await waitForState(id, ["COMPLETED", "FAILED"])).state).toBe("COMPLETED");
    } finally {
      expect(await stopWorker(second)).toBe(0);
    }
  }, SLOW);
});
