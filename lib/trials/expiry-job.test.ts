import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db";
import { closeProducerConnection, closeQueues, getQueue, QUEUES } from "@/lib/queue";
import { eventually, startTestSandbox, type Sandbox } from "@/lib/runs/testing/harness";
import { killHard, startWorkerProcess } from "@/lib/runs/testing/processes";
import { startTrial } from "./index";

// The expiry job as it runs in production: a worker process registers the repeating
// "trials.expire" schedule and deletes an expired trial with no one asking.
let sb: Sandbox;
let worker: ChildProcess | undefined;

beforeAll(async () => {
  sb = await startTestSandbox();
});

afterAll(async () => {
  if (worker) await killHard(worker);
  await closeQueues();
  await closeProducerConnection();
  await sb.server.close();
  await db.$disconnect();
});

it("a worker schedules trials.expire, which deletes an expired trial and its virtual cluster", { timeout: 180_000 }, async () => {
  const trial = await startTrial({ ip: `203.0.113.${randomBytes(1)[0]}`, userAgent: "vitest" });
  const team = await db.team.findUniqueOrThrow({ where: { slug: trial.teamSlug }, include: { clusters: true } });
  await db.team.update({ where: { id: team.id }, data: { trialExpiresAt: new Date(Date.now() - 1000) } });

  worker = await startWorkerProcess({});
  const schedulers = await getQueue(QUEUES.background).getJobSchedulers();
  expect(schedulers.map((s) => s.key)).toContain("trials.expire");

  await eventually("the expired trial is gone", async () => (await db.team.findUnique({ where: { id: team.id } })) === null);
  await expect(sb.admin.getCluster(team.clusters[0]!.sandboxClusterId!)).rejects.toThrow(/404/);
  // The occurrence is recorded like any job, with what it did. (Other test files share the
  // database and leave expired trials of their own sandboxes, so the counts are theirs too.)
  const job = await eventually("the occurrence is recorded", () => db.backgroundJob.findFirst({ where: { type: "trials.expire", state: "COMPLETED" } }).then((j) => j ?? undefined));
  expect(job.result).toMatchObject({ expired: expect.any(Number), failed: expect.any(Number), pooled: expect.any(Number) });
});
