import type { z } from "zod";
import { auditActor, recordAudit, requestMeta } from "@/lib/audit";
import { db, type Prisma } from "@/lib/db";
import { abortedByOf, abortRun, startRun } from "@/lib/runs";
import { scoped, type TeamContext } from "@/lib/tenancy";
import { findCluster, findRun } from "./lookup";
import { ApiError } from "./respond";
import type { createRunBody, listRunsQuery } from "./schemas";

/**
 * Starts a run (or records a dry run) for the API: the cluster by id or name within the team,
 * the action's own schema for the params, the team's safety rules. A dry run shows the plan
 * even above the confirmation threshold, since it changes nothing.
 */
export async function startApiRun(ctx: TeamContext, body: z.output<typeof createRunBody>) {
  const cluster = await findCluster(ctx, body.cluster);
  const meta = await requestMeta();
  const { run, plan } = await startRun(
    {
      teamId: ctx.team.id,
      clusterId: cluster.id,
      actionId: body.action,
      params: body.params,
      dryRun: body.dryRun,
      confirm: body.dryRun ? body.action : body.confirm,
      createdById: ctx.user?.id,
      apiTokenId: ctx.tokenId ?? undefined,
    },
    {
      audit: (r, p) => ({
        action: body.dryRun ? "run.dry_run" : "run.started",
        ...auditActor(ctx),
        targetType: "run",
        targetId: r.id,
        data: { actionId: r.actionId, clusterId: cluster.id, targets: p.targets.length },
        meta,
      }),
    },
  );
  return { run: { ...run, cluster: { id: cluster.id, name: cluster.name } }, plan };
}

/** Asks a run of the team to stop; returns the run as it is after the request. */
export async function abortApiRun(ctx: TeamContext, runId: string) {
  const before = await findRun(ctx, runId);
  await abortRun(ctx.team.id, before.id, abortedByOf(ctx));
  await recordAudit({ action: "run.abort_requested", ...auditActor(ctx), targetType: "run", targetId: before.id, data: { stateBefore: before.state } });
  return findRun(ctx, runId);
}

/** The team's runs, newest first, filtered and paged by a cursor. */
export async function listApiRuns(ctx: TeamContext, q: z.output<typeof listRunsQuery>) {
  // Dry runs changed nothing in a cluster: not runs of it, so not listed (GET /runs/{id} still answers).
  const where: Prisma.RunWhereInput = { ...scoped(ctx), dryRun: false };
  if (q.state?.length) where.state = { in: q.state };
  if (q.action) where.actionId = q.action;
  if (q.cluster) where.cluster = { OR: [{ id: q.cluster }, { name: q.cluster }] };
  // A cursor must be one of the team's own runs.
  if (q.before && !(await db.run.findFirst({ where: { ...scoped(ctx), id: q.before }, select: { id: true } }))) {
    throw new ApiError(400, "invalid_request", "The query was not accepted. before: no run with this id in this team.");
  }
  const runs = await db.run.findMany({
    where,
    orderBy: [{ queuedAt: "desc" }, { id: "desc" }],
    take: q.limit + 1,
    ...(q.before ? { cursor: { id: q.before }, skip: 1 } : {}),
    include: { cluster: { select: { id: true, name: true } } },
  });
  const more = runs.length > q.limit;
  const page = more ? runs.slice(0, q.limit) : runs;
  return { runs: page, next: more ? page[page.length - 1]!.id : null };
}
