import { db, type Cluster } from "@/lib/db";
import { scoped, type TeamContext } from "@/lib/tenancy";
import { ApiError } from "./respond";

/** A cluster of the team by id or by name; 404 otherwise (another team's cluster included). */
export async function findCluster(ctx: TeamContext, idOrName: string): Promise<Cluster> {
  const cluster = await db.cluster.findFirst({ where: { ...scoped(ctx), OR: [{ id: idOrName }, { name: idOrName }] } });
  if (!cluster) throw new ApiError(404, "not_found", `No cluster "${idOrName}" in this team.`);
  return cluster;
}

/** A run of the team with its cluster's id and name; 404 otherwise. */
export async function findRun(ctx: TeamContext, runId: string) {
  const run = await db.run.findFirst({ where: { ...scoped(ctx), id: runId }, include: { cluster: { select: { id: true, name: true } } } });
  if (!run) throw new ApiError(404, "not_found", "No such run in this team.");
  return run;
}

/** The path segment of a route's params as a string (empty when absent). */
export function param(params: Record<string, string | string[]>, name: string): string {
  const v = params[name];
  return typeof v === "string" ? v : "";
}
