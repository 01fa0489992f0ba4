import { auditActor, recordAudit } from "@/lib/audit";
import { db, postgresErrorCode, type Experiment, type ExecutionState, type Prisma } from "@/lib/db";
import { scoped, type TeamContext } from "@/lib/tenancy";
import { experimentNameSchema, parseDefinition, type ExperimentDefinition } from "./definition";
import { ExperimentError } from "./errors";
import { PENDING_EXECUTION_STATES } from "./states";

// Experiments as a team keeps them: named, versioned definitions. Every save writes a new
// version; executions keep the version they ran, so editing never rewrites history.

export interface ExperimentInput {
  name: unknown;
  clusterId: unknown;
  definition: unknown;
}

export interface ExperimentSummary {
  id: string;
  name: string;
  version: number;
  description: string;
  cluster: { id: string; name: string };
  stages: number;
  faults: number;
  checks: number;
  updatedAt: Date;
  lastExecution: { id: string; state: ExecutionState; score: number | null; queuedAt: Date; finishedAt: Date | null } | null;
}

function validName(name: unknown): string {
  const r = experimentNameSchema.safeParse(name);
  if (!r.success) throw new ExperimentError("invalid-definition", r.error.issues[0]!.message, [{ path: "name", message: r.error.issues[0]!.message }]);
  return r.data;
}

function validDefinition(definition: unknown): ExperimentDefinition {
  const r = parseDefinition(definition);
  if (!r.ok) {
    const first = r.errors[0]!;
    const more = r.errors.length > 1 ? ` (and ${r.errors.length - 1} more)` : "";
    throw new ExperimentError("invalid-definition", `${first.message}${more}`, r.errors);
  }
  return r.definition;
}

async function validCluster(ctx: TeamContext, clusterId: unknown): Promise<string> {
  const id = typeof clusterId === "string" ? clusterId : "";
  const cluster = id ? await db.cluster.findFirst({ where: { ...scoped(ctx), id }, select: { id: true } }) : null;
  if (!cluster) throw new ExperimentError("cluster-not-found", "Choose a cluster of this team for the experiment.", [{ path: "clusterId", message: "Choose a cluster of this team." }]);
  return cluster.id;
}

function nameTaken(err: unknown, name: string): never {
  if (postgresErrorCode(err) === "23505" || (err as { code?: string }).code === "P2002") {
    throw new ExperimentError("name-taken", `The team already has an experiment named "${name}".`, [{ path: "name", message: "This name is taken in the team." }]);
  }
  throw err;
}

/** Creates an experiment at version 1. Throws ExperimentError (nothing written) on bad input. */
export async function createExperiment(ctx: TeamContext, input: ExperimentInput): Promise<Experiment> {
  const name = validName(input.name);
  const definition = validDefinition(input.definition);
  const clusterId = await validCluster(ctx, input.clusterId);
  const json = definition as unknown as Prisma.InputJsonValue;
  try {
    return await db.$transaction(async (tx) => {
      const experiment = await tx.experiment.create({
        data: { teamId: ctx.team.id, name, clusterId, version: 1, definition: json, createdById: ctx.user?.id ?? null },
      });
      await tx.experimentVersion.create({
        data: { teamId: ctx.team.id, experimentId: experiment.id, version: 1, clusterId, definition: json, createdById: ctx.user?.id ?? null },
      });
      await recordAudit({ action: "experiment.created", ...auditActor(ctx), targetType: "experiment", targetId: experiment.id, data: { name } }, tx);
      return experiment;
    });
  } catch (err) {
    return nameTaken(err, name);
  }
}

/**
 * Saves a new version. `expectedVersion` (the version the editor opened) refuses the save when
 * someone else saved in between, rather than silently overwriting their change.
 */
export async function updateExperiment(
  ctx: TeamContext,
  experimentId: string,
  input: ExperimentInput & { expectedVersion?: number },
): Promise<Experiment> {
  const current = await db.experiment.findFirst({ where: { ...scoped(ctx), id: experimentId } });
  if (!current) throw new ExperimentError("not-found", "No such experiment in this team.");
  const name = validName(input.name);
  const definition = validDefinition(input.definition);
  const clusterId = await validCluster(ctx, input.clusterId);
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) {
    throw new ExperimentError("version-conflict", `This experiment was saved as version ${current.version} since you opened version ${input.expectedVersion}; reload it to see the change.`);
  }
  const json = definition as unknown as Prisma.InputJsonValue;
  try {
    return await db.$transaction(async (tx) => {
      const bumped = await tx.experiment.updateManyAndReturn({
        where: { ...scoped(ctx), id: current.id, version: current.version },
        data: { name, clusterId, definition: json, version: { increment: 1 } },
      });
      const experiment = bumped[0];
      if (!experiment) throw new ExperimentError("version-conflict", "This experiment was saved by someone else just now; reload it to see the change.");
      await tx.experimentVersion.create({
        data: { teamId: ctx.team.id, experimentId: experiment.id, version: experiment.version, clusterId, definition: json, createdById: ctx.user?.id ?? null },
      });
      await recordAudit(
        { action: "experiment.updated", ...auditActor(ctx), targetType: "experiment", targetId: experiment.id, data: { name, version: experiment.version } },
        tx,
      );
      return experiment;
    });
  } catch (err) {
    if (err instanceof ExperimentError) throw err;
    return nameTaken(err, name);
  }
}

/** One experiment of the team by id or by its name (the CLI's NAME), or null. */
export async function getExperiment(ctx: TeamContext, idOrName: string): Promise<Experiment | null> {
  return db.experiment.findFirst({ where: { ...scoped(ctx), OR: [{ id: idOrName }, { name: idOrName }] } });
}

/** The definition of an experiment row, parsed (rows are written only through parseDefinition). */
export function definitionOf(row: { definition: unknown }): ExperimentDefinition {
  return row.definition as ExperimentDefinition;
}

/** The team's experiments, most recently changed first, with their last execution. */
export async function listExperiments(ctx: TeamContext): Promise<ExperimentSummary[]> {
  const rows = await db.experiment.findMany({
    where: scoped(ctx),
    orderBy: { updatedAt: "desc" },
    take: 500,
    include: {
      cluster: { select: { id: true, name: true } },
      executions: { orderBy: { queuedAt: "desc" }, take: 1, select: { id: true, state: true, score: true, queuedAt: true, finishedAt: true } },
    },
  });
  return rows.map((r) => {
    const d = definitionOf(r);
    return {
      id: r.id,
      name: r.name,
      version: r.version,
      description: d.description,
      cluster: r.cluster,
      stages: d.stages.length,
      faults: d.stages.reduce((n, s) => n + s.faults.length, 0),
      checks: d.checks.length,
      updatedAt: r.updatedAt,
      lastExecution: r.executions[0] ?? null,
    };
  });
}

/** The saved versions of an experiment, newest first. */
export async function listExperimentVersions(ctx: TeamContext, experimentId: string) {
  return db.experimentVersion.findMany({
    where: { ...scoped(ctx), experimentId },
    orderBy: { version: "desc" },
    select: { version: true, createdAt: true, createdBy: { select: { name: true } }, definition: true, clusterId: true },
  });
}

/** Deletes an experiment with its history; refused while one of its executions is in progress. */
export async function deleteExperiment(ctx: TeamContext, experimentId: string): Promise<void> {
  const experiment = await db.experiment.findFirst({ where: { ...scoped(ctx), id: experimentId }, select: { id: true, name: true } });
  if (!experiment) throw new ExperimentError("not-found", "No such experiment in this team.");
  const pending = await db.experimentExecution.count({ where: { ...scoped(ctx), experimentId, state: { in: [...PENDING_EXECUTION_STATES] } } });
  if (pending > 0) throw new ExperimentError("busy", "This experiment is running; abort it or wait for its verdict before deleting it.");
  await db.$transaction(async (tx) => {
    await tx.experiment.deleteMany({ where: { ...scoped(ctx), id: experiment.id } });
    await recordAudit({ action: "experiment.deleted", ...auditActor(ctx), targetType: "experiment", targetId: experiment.id, data: { name: experiment.name } }, tx);
  });
}
