import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { parseDefinition } from "@/lib/experiments";
import type { TeamContext } from "@/lib/tenancy";
import { sharingAccount } from "./testing/accounts";
import { createExecutionShareLink, createShareLink, getSharedExecution, getSharedRun, listExecutionShareLinks, revokeShareLink, ShareLinkError } from "./index";

// Share links to an experiment's execution against the real database: the public view shows
// the verdict, the timeline and every check's values, with nothing secret in any of it.

const SERVER = "api.k8s.internal.example.com:6443";
let ctx: TeamContext, outsider: TeamContext, executionId: string, runId: string, email: string;

beforeAll(async () => {
  const a = await sharingAccount("Sharer");
  ctx = a.ctx;
  email = a.email;
  outsider = (await sharingAccount("Outsider")).ctx;
  const cluster = await db.cluster.create({
    data: { teamId: ctx.team.id, name: "prod", kind: "KUBECONFIG", serverHost: SERVER, kubeconfigCiphertext: Buffer.from("sealed"), status: "CONNECTED" },
  });
  const parsed = parseDefinition({
    description: `Checkout stays up (ask ${email})`,
    stages: [{ name: "lose a cart pod", faults: [{ actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart", count: 1 } }] }],
    checks: [
      { name: "checkout", type: "http", mode: "during", intervalSeconds: 2, target: { kind: "url", url: `https://${SERVER}/healthz` }, expect: { maxLatencyMs: 300 } },
      { name: "cart replicas", type: "kubernetes", check: { condition: "workload-available", workload: "Deployment", namespace: "shop", name: "cart", minAvailable: 1 } },
    ],
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const definition = parsed.definition as object;
  const experiment = await db.experiment.create({ data: { teamId: ctx.team.id, name: "checkout survives", clusterId: cluster.id, definition } });
  const t0 = Date.now() - 60_000;
  const at = (s: number) => new Date(t0 + s * 1000);
  const execution = await db.experimentExecution.create({
    data: {
      teamId: ctx.team.id,
      experimentId: experiment.id,
      version: 1,
      clusterId: cluster.id,
      definition,
      state: "FAILED",
      reason: `stopped by checkout: 2 of 3 evaluations failed (dial tcp 10.1.2.3:6443 for ${email})`,
      score: 33,
      trippedBy: { checkIndex: 0, name: "checkout", at: at(8).toISOString() },
      queuedAt: at(0),
      startedAt: at(1),
      faultsEndedAt: at(10),
      finishedAt: at(12),
      createdById: ctx.user!.id,
    },
  });
  executionId = execution.id;
  const run = await db.run.create({
    data: {
      teamId: ctx.team.id,
      clusterId: cluster.id,
      actionId: "pod-kill",
      params: { namespace: "shop", labelSelector: "app=cart", count: 1 },
      state: "ROLLED_BACK",
      error: `aborted: GET https://${SERVER}/api/v1/pods with Bearer abc.def-ghi`,
      executionId,
      stageIndex: 0,
      faultIndex: 0,
      startedAt: at(2),
      finishedAt: at(10),
    },
  });
  runId = run.id;
  await db.checkSample.createMany({
    data: [
      { teamId: ctx.team.id, executionId, checkIndex: 1, phase: "before", at: at(1), outcome: "pass", value: 2, observed: "2 of 2 available", durationMs: 12 },
      { teamId: ctx.team.id, executionId, checkIndex: 0, phase: "during", at: at(4), outcome: "pass", value: 120, observed: "200 in 120 ms", durationMs: 120 },
      { teamId: ctx.team.id, executionId, checkIndex: 0, phase: "during", at: at(6), outcome: "fail", value: 900, observed: `503 from https://${SERVER}/healthz in 900 ms`, durationMs: 900 },
      { teamId: ctx.team.id, executionId, checkIndex: 0, phase: "during", at: at(8), outcome: "fail", value: null, observed: `connect ECONNREFUSED 10.1.2.3:443 token pst_${"x".repeat(40)}`, durationMs: 5 },
      { teamId: ctx.team.id, executionId, checkIndex: 1, phase: "after", at: at(11), outcome: "pass", value: 2, observed: "2 of 2 available", durationMs: 10 },
    ],
  });
});

afterAll(() => db.$disconnect());

describe("execution share links", () => {
  it("opens the execution for anyone with the token: verdict, timeline and values, without anything secret", async () => {
    const { link, token } = await createExecutionShareLink(ctx, executionId, "never");
    expect(link).toMatchObject({ executionId, runId: null, live: true });
    const shared = await getSharedExecution(token);
    expect(shared).toMatchObject({
      experimentName: "checkout survives",
      state: "FAILED",
      verdict: "failed",
      score: 33,
      clusterKind: "KUBECONFIG",
      trippedBy: { name: "checkout" },
      stages: [{ name: "lose a cart pod", faults: [{ actionId: "pod-kill", actionTitle: "Kill pods", state: "ROLLED_BACK", params: { namespace: "shop" } }] }],
      expiresAt: null,
    });
    expect(shared!.checks.map((c) => [c.name, c.samples.length, c.tripped])).toEqual([
      ["checkout", 3, true],
      ["cart replicas", 2, false],
    ]);
    expect(shared!.checks[0]!.samples.map((s) => s.value)).toEqual([120, 900, null]);
    expect(shared!.checks[0]!.threshold).toMatchObject({ value: 300 });
    const text = JSON.stringify(shared);
    for (const secret of [SERVER, "k8s.internal", "10.1.2.3", email, "abc.def-ghi", "pst_", token, runId, ctx.team.id]) expect(text, secret).not.toContain(secret);
    // No people: who started it is the team's business, not the link's.
    expect(text).not.toMatch(/createdBy|abortedBy/);
    expect(shared!.reason).toBe("stopped by checkout: 2 of 3 evaluations failed (dial tcp [redacted] for [redacted])");
    expect((await db.shareLink.findUniqueOrThrow({ where: { id: link.id } })).viewCount).toBe(1);
    const audit = await db.auditEvent.findFirst({ where: { teamId: ctx.team.id, action: "share_link.created", targetType: "execution", targetId: executionId } });
    expect(audit?.actorUserId).toBe(ctx.user!.id);
  });

  it("answers nothing for a revoked or expired link, and a run's link and an execution's never open each other", async () => {
    const { link, token } = await createExecutionShareLink(ctx, executionId, "1d");
    expect(await getSharedRun(token)).toBeNull();
    await revokeShareLink(ctx, link.id);
    expect(await getSharedExecution(token)).toBeNull();
    expect(await db.auditEvent.count({ where: { teamId: ctx.team.id, action: "share_link.revoked", targetType: "execution", targetId: executionId } })).toBe(1);
    const expired = await createExecutionShareLink(ctx, executionId, "7d");
    await db.shareLink.update({ where: { id: expired.link.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await getSharedExecution(expired.token)).toBeNull();
    const runLink = await createShareLink(ctx, runId, "1d");
    expect(await getSharedExecution(runLink.token)).toBeNull();
    expect(await getSharedRun(runLink.token)).not.toBeNull();
    expect(await getSharedExecution("shr_short")).toBeNull();
  });

  it("keeps another team out: no link on its executions, no list of their links", async () => {
    await expect(createExecutionShareLink(outsider, executionId, "7d")).rejects.toBeInstanceOf(ShareLinkError);
    await expect(listExecutionShareLinks(outsider, executionId)).rejects.toThrow("No such execution in this team");
    const mine = await listExecutionShareLinks(ctx, executionId);
    expect(mine.length).toBeGreaterThanOrEqual(3);
    expect(mine.every((l) => l.executionId === executionId && l.runId === null)).toBe(true);
  });
});
