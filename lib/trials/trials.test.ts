import { randomBytes } from "node:crypto";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { decode } from "next-auth/jwt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RunRefusedError } from "@/lib/actions";
import { AccountExistsError, verifyPassword } from "@/lib/auth";
import { authSecret } from "@/lib/auth/secret";
import { db, type ExecutionState } from "@/lib/db";
import { registry } from "@/lib/metrics";
import { closeProducerConnection } from "@/lib/queue";
import { addSandboxCluster, ClusterError, sandboxAdmin } from "@/lib/clusters";
import { closeRunQueue, startRun } from "@/lib/runs";
import { createTeam } from "@/lib/teams/create-team";
import { startTestSandbox, type Sandbox } from "@/lib/runs/testing/harness";
import { parseDefinition } from "@/lib/experiments";
import { CART_POD_EXPERIMENT, createTrialExperiments, TRIAL_EXPERIMENTS, ZONE_EXPERIMENT } from "./trial-experiments";
import { ConvertTrialError, convertTrial, countActiveTrials, expireTrials, startTrial, TrialLimitError } from "./index";
import "./metrics";

// Trials against the real PostgreSQL, Redis and an in-process sandbox server. Each test gets
// client addresses of its own, so the per-address counters in Redis never collide.
let sb: Sandbox;
const meta = () => ({ ip: `198.51.100.${randomBytes(1)[0]}-${randomBytes(4).toString("hex")}`, userAgent: "vitest" });
const saved = { ...process.env };

beforeAll(async () => {
  sb = await startTestSandbox();
});

afterEach(() => {
  for (const k of Object.keys(process.env)) if (k.startsWith("TRIAL_") && !(k in saved)) delete process.env[k];
});

afterAll(async () => {
  await closeRunQueue();
  await closeProducerConnection();
  await sb.server.close();
  await db.$disconnect();
});

async function refusedWith(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

async function trialRows(teamSlug: string) {
  return db.team.findUnique({ where: { slug: teamSlug }, include: { clusters: true, memberships: { include: { user: true } } } });
}

describe("starting a trial", () => {
  it("creates a guest, a trial team with an expiry, a checked sandbox cluster with the shop, and a session", async () => {
    const before = Date.now();
    const trial = await startTrial(meta());
    const team = await trialRows(trial.teamSlug);
    expect(team).toMatchObject({ isTrial: true });
    const ttl = team!.trialExpiresAt!.getTime() - before;
    expect(ttl).toBeGreaterThan(119 * 60_000);
    expect(ttl).toBeLessThan(121 * 60_000);
    expect(team!.memberships).toHaveLength(1);
    expect(team!.memberships[0]).toMatchObject({ role: "OWNER", userId: trial.userId, user: { isGuest: true, passwordHash: null } });
    const [cluster] = team!.clusters;
    expect(cluster).toMatchObject({ id: trial.clusterId, kind: "SANDBOX", status: "CONNECTED" });
    expect(cluster!.nodeCount).toBeGreaterThan(0);
    // The virtual cluster runs the shop.
    const summary = await sb.admin.getCluster(cluster!.sandboxClusterId!);
    expect(summary.counts.pods ?? 0).toBeGreaterThan(10);
    // The guide's two experiments wait on the cluster, created by the guest.
    const experiments = await db.experiment.findMany({ where: { teamId: team!.id }, orderBy: { name: "asc" } });
    expect(experiments.map((e) => [e.name, e.clusterId, e.createdById])).toEqual([
      [CART_POD_EXPERIMENT, trial.clusterId, trial.userId],
      [ZONE_EXPERIMENT, trial.clusterId, trial.userId],
    ]);
    // As createExperiment stores one: the validated definition at version 1, its version row
    // and an audit event with the request's address.
    for (const e of experiments) {
      const source = TRIAL_EXPERIMENTS.find((x) => x.name === e.name)!;
      const parsed = parseDefinition(source.definition);
      expect(parsed.ok && parsed.definition).toEqual(e.definition);
      expect(e.version).toBe(1);
      const versions = await db.experimentVersion.findMany({ where: { experimentId: e.id } });
      expect(versions.map((v) => [v.version, v.teamId, v.clusterId, v.createdById, v.definition])).toEqual([[1, team!.id, trial.clusterId, trial.userId, e.definition]]);
      const events = await db.auditEvent.findMany({ where: { teamId: team!.id, action: "experiment.created", targetId: e.id } });
      expect(events.map((a) => [a.actorUserId, a.targetType, a.data, a.ip])).toEqual([[trial.userId, "experiment", { name: e.name }, expect.stringMatching(/^198\.51\.100\./)]]);
      expect(Math.abs(e.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
    }
    // Again (a retry) leaves them as they are; a cluster of another team gets none.
    const ctx = { team: { id: team!.id, slug: team!.slug, name: team!.name, personal: false, isTrial: true }, role: "OWNER" as const, user: { id: trial.userId, email: "", name: "" }, tokenId: null };
    await createTrialExperiments(ctx, trial.clusterId, meta());
    expect(await db.experiment.count({ where: { teamId: team!.id } })).toBe(2);
    expect(await db.experimentVersion.count({ where: { teamId: team!.id } })).toBe(2);
    expect(await db.auditEvent.count({ where: { teamId: team!.id, action: "experiment.created" } })).toBe(2);
    const other = await startTrial(meta());
    await db.experiment.deleteMany({ where: { team: { slug: other.teamSlug } } });
    await createTrialExperiments(ctx, other.clusterId, meta());
    expect(await db.experiment.count({ where: { clusterId: other.clusterId } })).toBe(0);
    // The cookie is a next-auth session of the guest.
    expect(trial.cookie.name).toBe("next-auth.session-token");
    const token = await decode({ token: trial.cookie.value, secret: authSecret() });
    expect(token).toMatchObject({ uid: trial.userId, sv: 0 });
    const audit = await db.auditEvent.findMany({ where: { teamId: team!.id, action: { in: ["team.created", "trial.started"] } }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.actorUserId, a.ip])).toEqual([
      ["team.created", trial.userId, expect.stringMatching(/^198\.51\.100\./)],
      ["trial.started", trial.userId, expect.stringMatching(/^198\.51\.100\./)],
    ]);
    expect(audit[1]?.data).toEqual({ expiresAt: team!.trialExpiresAt!.toISOString(), cluster: "new" });
    // Stored in UTC like every other time: the team was created just now.
    expect(Math.abs(team!.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("refuses a taken team address with its own code and writes nothing, so that startTrial can draw another", async () => {
    const taken = `trial-${randomBytes(4).toString("hex")}`;
    await db.team.create({ data: { slug: taken, name: "Taken" } });
    const email = `guest-${randomBytes(6).toString("hex")}@trial.invalid`;
    // The statement refuses a taken slug with its own code, which startTrial answers with a new draw.
    const err = await db.$queryRaw`SELECT "start_trial"('u-x', ${email}, NULL, 't-x', ${taken}, 'x', now()::timestamp(3), 'm-x', 'demo-shop', 'trial--pool', NULL, NULL, 100)`.then(
      () => null,
      (e: unknown) => e as { meta?: { driverAdapterError?: { cause?: { code?: string } } } },
    );
    expect(err?.meta?.driverAdapterError?.cause?.code).toBe("PR003");
    expect(await db.user.count({ where: { email } })).toBe(0);
  });
});

describe("limits", () => {
  it("refuses a third trial from one address within the hour, with the reason; other addresses go on", async () => {
    process.env.TRIAL_PER_IP_PER_HOUR = "2";
    const mine = meta();
    await startTrial(mine);
    await startTrial(mine);
    const err = await refusedWith(startTrial(mine));
    expect(err).toBeInstanceOf(TrialLimitError);
    expect(err.message).toMatch(/^Your address has started 2 trials in the last hour, the most we allow\. Try again in (60|59) minutes, or create a free account\.$/);
    await expect(startTrial(meta())).resolves.toMatchObject({ teamSlug: expect.any(String) });
  });

  it("refuses a trial whose address is unknown instead of sharing one bucket among all such visitors", async () => {
    const teamsBefore = await db.team.count();
    const err = await refusedWith(startTrial({ ip: null, userAgent: "vitest" }));
    expect(err).toBeInstanceOf(TrialLimitError);
    expect(err.message).toMatch(/^Trials are not available on this installation: it cannot tell visitors' addresses apart/);
    expect(await db.team.count()).toBe(teamsBefore);
  });

  it("refuses a trial when the installation holds the most active trials it allows", async () => {
    const active = await countActiveTrials(db);
    process.env.TRIAL_MAX_ACTIVE = String(active + 1);
    await startTrial(meta());
    const teamsBefore = await db.team.count();
    const err = await refusedWith(startTrial(meta()));
    expect(err).toBeInstanceOf(TrialLimitError);
    expect(err.message).toBe(`All ${active + 1} trial places are taken right now. Try again in a few minutes, or create a free account to start at once.`);
    // The refused start left nothing behind.
    expect(await db.team.count()).toBe(teamsBefore);
  });

  it("gives the last place to exactly one of many starts at once", async () => {
    const active = await countActiveTrials(db);
    process.env.TRIAL_MAX_ACTIVE = String(active + 1);
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => startTrial(meta())));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    expect(refused).toHaveLength(7);
    for (const reason of refused) expect(reason).toBeInstanceOf(TrialLimitError);
    expect(await countActiveTrials(db)).toBe(active + 1);
  });

  it("refuses a run once the trial has used its runs; dry runs do not count", async () => {
    process.env.TRIAL_MAX_RUNS = "1";
    const trial = await startTrial(meta());
    const team = (await trialRows(trial.teamSlug))!;
    const req = { teamId: team.id, clusterId: trial.clusterId, actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart", count: 1 } };
    await startRun({ ...req, dryRun: true });
    await startRun(req);
    const err = await refusedWith(startRun(req));
    expect(err).toBeInstanceOf(RunRefusedError);
    expect((err as RunRefusedError).code).toBe("trial-limit");
    expect(err.message).toBe("This trial has used its 1 runs. Create a free account to keep going: your cluster and your runs come with you.");
    expect(await db.run.count({ where: { teamId: team.id, dryRun: false } })).toBe(1);
  });

  it("caps the size of a trial's cluster with the API server's quota message", async () => {
    process.env.TRIAL_MAX_OBJECTS = "200";
    const trial = await startTrial(meta());
    const cluster = (await trialRows(trial.teamSlug))!.clusters[0]!;
    // A trial's cluster has a trial's share of the sandbox, narrower than a team cluster's.
    expect(sb.server.manager.get(cluster.sandboxClusterId!)!.opts).toMatchObject({ maxObjects: 200, maxBytes: 16 * 1024 * 1024, maxWatches: 20, requestsPerSecond: 50, requestBurst: 100 });
    const kc = new KubeConfig();
    kc.loadFromString(await sb.admin.getKubeconfig(cluster.sandboxClusterId!));
    const core = kc.makeApiClient(CoreV1Api);
    let refused: unknown;
    for (let i = 0; i < 200 && !refused; i++) {
      await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: `filler-${i}` }, data: { i: String(i) } } }).catch((e: unknown) => (refused = e));
    }
    expect(refused).toBeDefined();
    expect((refused as { code?: number }).code).toBe(403);
    expect(String((refused as { body?: unknown }).body)).toContain("exceeded quota: sandbox-limits, requested: sandbox.pystol.io/objects=1, used: sandbox.pystol.io/objects=200, limited: sandbox.pystol.io/objects=200");
  });

  it("refuses a second cluster in a trial team", async () => {
    const trial = await startTrial(meta());
    const team = (await trialRows(trial.teamSlug))!;
    const ctx = { team: { id: team.id, slug: team.slug, name: team.name, personal: false, isTrial: true }, role: "OWNER" as const, user: { id: trial.userId, email: "g@trial.invalid", name: "Guest" }, tokenId: null };
    const err = await refusedWith(addSandboxCluster(ctx, { name: "another" }));
    expect(err).toBeInstanceOf(ClusterError);
    expect(err.message).toBe("A trial has one sandbox cluster. Keep the trial as an account to add more.");
    expect(await db.cluster.count({ where: { teamId: team.id } })).toBe(1);
  });

  it("counts active trials in the pystol_trials_active gauge", async () => {
    await startTrial(meta());
    const metric = await registry.getSingleMetricAsString("pystol_trials_active");
    expect(metric).toContain(`pystol_trials_active ${await countActiveTrials(db)}`);
  });
});

describe("expiry", () => {
  it("deletes an expired trial's rows and its virtual cluster, and leaves live trials alone", async () => {
    const expired = await startTrial(meta());
    const live = await startTrial(meta());
    const team = (await trialRows(expired.teamSlug))!;
    const sandboxId = team.clusters[0]!.sandboxClusterId!;
    const run = await db.run.create({ data: { teamId: team.id, clusterId: expired.clusterId, actionId: "pod-kill", params: {}, state: "SUCCEEDED" } });
    const share = await db.shareLink.create({ data: { teamId: team.id, runId: run.id, tokenHash: randomBytes(32).toString("hex") } });
    await db.team.update({ where: { id: team.id }, data: { trialExpiresAt: new Date(Date.now() - 1000) } });

    const result = await expireTrials();
    expect(result.expired).toBeGreaterThanOrEqual(1);
    expect(result.failed).toBe(0);
    expect(await db.team.findUnique({ where: { id: team.id } })).toBeNull();
    expect(await db.cluster.findUnique({ where: { id: expired.clusterId } })).toBeNull();
    expect(await db.run.findUnique({ where: { id: run.id } })).toBeNull();
    expect(await db.shareLink.findUnique({ where: { id: share.id } })).toBeNull();
    expect(await db.user.findUnique({ where: { id: expired.userId } })).toBeNull();
    await expect(sb.admin.getCluster(sandboxId)).rejects.toThrow(/404/);
    expect(await db.auditEvent.findFirst({ where: { action: "trial.expired", targetId: team.id } })).not.toBeNull();

    const other = (await trialRows(live.teamSlug))!;
    expect(other.isTrial).toBe(true);
    await expect(sb.admin.getCluster(other.clusters[0]!.sandboxClusterId!)).resolves.toMatchObject({ id: other.clusters[0]!.sandboxClusterId });
  });

  it("also deletes a team the guest created beside the trial, with its virtual cluster", async () => {
    const trial = await startTrial(meta());
    const extra = await db.$transaction((tx) => createTeam(tx, { name: `Extra ${randomBytes(3).toString("hex")}`, userId: trial.userId }, { ip: null, userAgent: null }));
    const virtual = await sb.admin.createCluster({ seed: "empty" });
    await db.cluster.create({ data: { teamId: extra.id, name: "more", kind: "SANDBOX", sandboxClusterId: virtual.id } });
    // A team with a real member besides the guest stays.
    const shared = await db.$transaction((tx) => createTeam(tx, { name: `Shared ${randomBytes(3).toString("hex")}`, userId: trial.userId }, { ip: null, userAgent: null }));
    const member = await db.user.create({ data: { email: `${randomBytes(4).toString("hex")}@example.test`, name: "Member" } });
    await db.membership.create({ data: { teamId: shared.id, userId: member.id, role: "OWNER" } });
    await db.team.updateMany({ where: { slug: trial.teamSlug }, data: { trialExpiresAt: new Date(Date.now() - 1000) } });

    await expireTrials();
    expect(await db.team.findUnique({ where: { slug: trial.teamSlug } })).toBeNull();
    expect(await db.team.findUnique({ where: { id: extra.id } })).toBeNull();
    await expect(sb.admin.getCluster(virtual.id)).rejects.toThrow(/404/);
    expect(await db.team.findUnique({ where: { id: shared.id } })).not.toBeNull();
    expect(await db.user.findUnique({ where: { id: trial.userId } })).toBeNull();
  });

  it("keeps a trial whose virtual cluster could not be deleted, for the next sweep", async () => {
    const trial = await startTrial(meta());
    const team = (await trialRows(trial.teamSlug))!;
    await db.team.update({ where: { id: team.id }, data: { trialExpiresAt: new Date(Date.now() - 1000) } });
    const token = process.env.SANDBOX_ADMIN_TOKEN;
    process.env.SANDBOX_ADMIN_TOKEN = "a-token-the-sandbox-refuses";
    try {
      const result = await expireTrials();
      expect(result.failed).toBeGreaterThanOrEqual(1);
      expect(await db.team.findUnique({ where: { id: team.id } })).not.toBeNull();
    } finally {
      process.env.SANDBOX_ADMIN_TOKEN = token;
    }
    await expireTrials();
    expect(await db.team.findUnique({ where: { id: team.id } })).toBeNull();
  });
});

describe("conversion", () => {
  const account = () => ({ name: "Grace Hopper", email: `${randomBytes(4).toString("hex")}@example.test`, password: "a long enough password" });

  it("turns the guest into an account with a password and keeps the team, cluster and runs", async () => {
    const trial = await startTrial(meta());
    const team = (await trialRows(trial.teamSlug))!;
    const run = await db.run.create({ data: { teamId: team.id, clusterId: trial.clusterId, actionId: "pod-kill", params: {}, state: "SUCCEEDED" } });
    const input = account();
    await expect(convertTrial(trial.userId, input)).resolves.toEqual({ teamSlug: trial.teamSlug });

    const user = await db.user.findUniqueOrThrow({ where: { id: trial.userId } });
    expect(user).toMatchObject({ email: input.email, name: input.name, isGuest: false, sessionVersion: 0 });
    expect(await verifyPassword(user.passwordHash!, input.password)).toBe(true);
    const kept = (await trialRows(trial.teamSlug))!;
    expect(kept).toMatchObject({ id: team.id, isTrial: false, trialExpiresAt: null, name: "Grace's team" });
    expect(kept.clusters.map((c) => c.id)).toEqual([trial.clusterId]);
    expect(await db.run.findUnique({ where: { id: run.id } })).not.toBeNull();
    await expect(sb.admin.getCluster(kept.clusters[0]!.sandboxClusterId!)).resolves.toBeDefined();
    // The expiry job no longer sees it.
    await expireTrials(new Date(Date.now() + 365 * 24 * 3600_000));
    expect(await db.team.findUnique({ where: { id: team.id } })).not.toBeNull();
    expect(await db.auditEvent.findFirst({ where: { teamId: team.id, action: "trial.converted" } })).not.toBeNull();
  });

  it("refuses an email that has an account, a user that is not a guest, and an expired trial", async () => {
    const first = await startTrial(meta());
    const input = account();
    await convertTrial(first.userId, input);
    await expect(convertTrial(first.userId, account())).rejects.toThrow(new ConvertTrialError("This account already has a password."));

    const second = await startTrial(meta());
    await expect(convertTrial(second.userId, { ...account(), email: input.email })).rejects.toBeInstanceOf(AccountExistsError);
    expect(await db.user.findUniqueOrThrow({ where: { id: second.userId } })).toMatchObject({ isGuest: true });

    const third = await startTrial(meta());
    await db.team.updateMany({ where: { slug: third.teamSlug }, data: { trialExpiresAt: new Date(Date.now() - 1000) } });
    await expect(convertTrial(third.userId, account())).rejects.toThrow(/This trial has expired/);
  });
});

describe("the guided first experiment", () => {
  it("follows the team's data and the user's own ticks, and is hidden and resumed per user", async () => {
    const trial = await startTrial(meta());
    const team = (await trialRows(trial.teamSlug))!;
    const { loadGuide, updateGuide } = await import("./guide");
    const experiments = await db.experiment.findMany({ where: { teamId: team.id }, select: { id: true, name: true } });
    const passId = experiments.find((e) => e.name === CART_POD_EXPERIMENT)!.id;
    const tripId = experiments.find((e) => e.name === ZONE_EXPERIMENT)!.id;
    expect(await loadGuide(trial.userId, team.id)).toMatchObject({ dismissed: false, current: "run", clusterId: trial.clusterId, passId, tripId });

    // Step 1 is done once the passing experiment has an execution; reading its verdict is ticked.
    const execution = (experimentId: string, state: ExecutionState) =>
      db.experimentExecution.create({ data: { teamId: team.id, experimentId, version: 1, clusterId: trial.clusterId, definition: {}, state } });
    await execution(passId, "OBSERVING");
    expect(await loadGuide(trial.userId, team.id)).toMatchObject({ current: "verdict", done: { run: true, verdict: false } });
    await updateGuide(trial.userId, { tick: "verdict" });
    // Step 3 waits for the zone experiment's verdict, not its start.
    const zone = await execution(tripId, "STOPPING");
    expect(await loadGuide(trial.userId, team.id)).toMatchObject({ current: "trip" });
    await db.experimentExecution.update({ where: { id: zone.id }, data: { state: "FAILED" } });
    expect(await loadGuide(trial.userId, team.id)).toMatchObject({ current: "share" });
    await db.shareLink.create({ data: { teamId: team.id, executionId: zone.id, tokenHash: randomBytes(32).toString("hex") } });
    expect(await loadGuide(trial.userId, team.id)).toMatchObject({ current: null, done: { run: true, verdict: true, trip: true, share: true } });

    await updateGuide(trial.userId, { dismissed: true });
    expect((await loadGuide(trial.userId, team.id)).dismissed).toBe(true);
    await updateGuide(trial.userId, { dismissed: false });
    expect(await loadGuide(trial.userId, team.id)).toMatchObject({ dismissed: false, current: null });
    // Ticks of an earlier guide's steps are dropped, the rest of the state kept.
    await db.user.update({ where: { id: trial.userId }, data: { guideState: { dismissed: true, done: ["watch", "verdict"] } } });
    expect(await loadGuide(trial.userId, team.id)).toMatchObject({ dismissed: true, done: { verdict: true } });
  });
});

describe("the pool of ready trial clusters", () => {
  it("hands a ready cluster to a new trial, one each when many start at once, and creates one when it is empty", async () => {
    const { fillTrialPool, pooledClusterCount } = await import("./pool");
    const before = await pooledClusterCount();
    expect(await fillTrialPool(before + 3)).toBe(3);
    expect(await pooledClusterCount()).toBe(before + 3);

    const trials = await Promise.all([0, 1, 2].map(() => startTrial(meta())));
    expect(await pooledClusterCount()).toBe(before);
    expect(new Set(trials.map((t) => t.clusterId)).size).toBe(3);
    for (const t of trials) {
      const team = (await trialRows(t.teamSlug))!;
      expect(team.clusters).toHaveLength(1);
      expect(team.clusters[0]).toMatchObject({ id: t.clusterId, name: "demo-shop", status: "CONNECTED", createdById: t.userId });
      expect(await db.auditEvent.findFirst({ where: { teamId: team.id, action: "trial.started" } })).toMatchObject({ data: { cluster: before > 0 ? expect.any(String) : "pool" } });
    }
    // Pool empty: the trial gets a cluster of its own.
    const own = await startTrial(meta());
    expect((await trialRows(own.teamSlug))!.clusters[0]).toMatchObject({ name: "demo-shop", status: "CONNECTED" });
  });

  it("drops pool clusters the sandbox has forgotten (a restart without its snapshot) before refilling", async () => {
    const { fillTrialPool, pooledClusterCount } = await import("./pool");
    const before = await pooledClusterCount();
    expect(await fillTrialPool(before + 2)).toBe(2);
    const lost = await db.cluster.findFirst({ where: { team: { slug: "trial--pool" } }, orderBy: { createdAt: "desc" }, select: { id: true, sandboxClusterId: true } });
    await sandboxAdmin()!.deleteCluster(lost!.sandboxClusterId!);

    expect(await fillTrialPool(before + 2)).toBe(1);
    expect(await pooledClusterCount()).toBe(before + 2);
    expect(await db.cluster.findUnique({ where: { id: lost!.id } })).toBeNull();
    // No pool wanted: nothing is read or dropped.
    expect(await fillTrialPool(0)).toBe(0);
  });
});
