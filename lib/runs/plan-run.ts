import { z } from "zod";
import {
  checkPermissions,
  checkSafety,
  describeAction,
  describeKubeError,
  getAction,
  confirmationReason,
  planIdOf,
  protectedNamespaces,
  RunRefusedError,
  seededRandom,
  statusOf,
  targetKey,
  type ActionDefinition,
  type Plan,
} from "@/lib/actions";
import { db, type Cluster, type Team } from "@/lib/db";
import { describeIssues } from "@/lib/validation";
import type { ClusterConnection } from "@/lib/clusters";
import { kubeForCluster } from "./cluster-client";
import { KubeAccessError } from "@/lib/kube";

/** What a caller (server action, API route, schedule) asks for; the team is already authorised. */
export const runRequestSchema = z.object({
  teamId: z.string().min(1).max(64),
  clusterId: z.string().min(1).max(64),
  actionId: z.string().min(1).max(64),
  params: z.unknown(),
  /** The typed confirmation: the action id, needed when the plan is over the team's threshold. */
  confirm: z.string().max(100).optional(),
  dryRun: z.boolean().default(false),
  createdById: z.string().max(64).optional(),
  apiTokenId: z.string().max(64).optional(),
  scheduleId: z.string().max(64).optional(),
  /** A fault step of an experiment's execution: the execution, its stage and the fault of the stage. */
  executionId: z.string().min(1).max(64).optional(),
  stageIndex: z.number().int().min(0).max(100).optional(),
  faultIndex: z.number().int().min(0).max(100).optional(),
  /** Seeds the plan's random choices: the same seed over the same objects chooses the same. */
  planSeed: z.string().min(8).max(100).optional(),
  /**
   * The targets (targetKey) of the dry run the person confirmed; a run whose fresh plan differs
   * is refused with "plan-changed" rather than hitting something they did not see.
   */
  expectedTargets: z.array(z.string().max(600)).max(10_000).optional(),
});
export type RunRequest = z.input<typeof runRequestSchema>;

/** The team columns a run is started under: its safety rules and its limits. */
export type RunTeam = Pick<Team, "id" | "isTrial" | "activeRuns" | "maxConcurrentRuns" | "protectedNamespaces" | "blastRadiusLimit" | "confirmThreshold" | "faultRunnerImage">;

export interface ResolvedRun {
  request: z.output<typeof runRequestSchema>;
  action: ActionDefinition;
  params: unknown;
  team: RunTeam;
  cluster: ClusterConnection & Pick<Cluster, "permissions">;
  plan: Plan;
  /** Why the run needs the typed confirmation, or null when it does not. */
  confirmReason: string | null;
}

type ClusterWithTeam = ResolvedRun["cluster"] & { [K in keyof RunTeam as `team_${K}`]: RunTeam[K] };

// The cluster with its team, in one statement; another team's cluster id is simply not found.
async function clusterWithTeam(teamId: string, clusterId: string): Promise<Pick<ResolvedRun, "cluster" | "team"> | null> {
  const rows = await db.$queryRaw<ClusterWithTeam[]>`
    SELECT c."id", c."kind", c."sandboxClusterId", c."sandboxShard", c."updatedAt", c."kubeconfigCiphertext", c."permissions",
      t."id" AS "team_id", t."isTrial" AS "team_isTrial", t."activeRuns" AS "team_activeRuns",
      t."maxConcurrentRuns" AS "team_maxConcurrentRuns", t."protectedNamespaces" AS "team_protectedNamespaces",
      t."blastRadiusLimit" AS "team_blastRadiusLimit", t."confirmThreshold" AS "team_confirmThreshold",
      t."faultRunnerImage" AS "team_faultRunnerImage"
    FROM "Cluster" c JOIN "Team" t ON t."id" = c."teamId"
    WHERE c."id" = ${clusterId} AND c."teamId" = ${teamId}`;
  const r = rows[0];
  if (!r) return null;
  return {
    cluster: { id: r.id, kind: r.kind, sandboxClusterId: r.sandboxClusterId, sandboxShard: r.sandboxShard, updatedAt: r.updatedAt, kubeconfigCiphertext: r.kubeconfigCiphertext, permissions: r.permissions },
    team: {
      id: r.team_id,
      isTrial: r.team_isTrial,
      activeRuns: r.team_activeRuns,
      maxConcurrentRuns: r.team_maxConcurrentRuns,
      protectedNamespaces: r.team_protectedNamespaces,
      blastRadiusLimit: r.team_blastRadiusLimit,
      confirmThreshold: r.team_confirmThreshold,
      faultRunnerImage: r.team_faultRunnerImage,
    },
  };
}

// The names people know the parameters by (the form's labels), for refusals of bad params.
function paramLabels(action: ActionDefinition): Record<string, string> {
  const props = (describeAction(action).paramsSchema.properties ?? {}) as Record<string, { description?: string }>;
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, v.description ?? k]));
}

/**
 * Validates a request and resolves its plan (the dry run) without writing anything; refuses
 * with RunRefusedError on bad params, an unknown cluster, missing permissions, an empty
 * selection or an unreachable cluster. Safety rules are checked by the caller.
 */
export async function resolveRun(input: RunRequest): Promise<ResolvedRun> {
  const request = runRequestSchema.parse(input);
  const action = getAction(request.actionId);
  if (!action) throw new RunRefusedError("unknown-action", `No action ${request.actionId}`);
  const parsed = action.params.safeParse(request.params ?? {});
  if (!parsed.success) throw new RunRefusedError("invalid-params", describeIssues(parsed.error.issues, paramLabels(action)), { issues: parsed.error.issues });
  const found = await clusterWithTeam(request.teamId, request.clusterId);
  if (!found) throw new RunRefusedError("not-found", "No such cluster in this team");
  const { cluster: clusterRow, team } = found;
  checkPermissions(action.permissions, clusterRow.permissions);
  let plan: Plan;
  try {
    const kube = await kubeForCluster(clusterRow);
    const random = request.planSeed ? seededRandom(request.planSeed) : undefined;
    const planId = planIdOf(request.planSeed);
    plan = await action.plan({ kube, protectedNamespaces: protectedNamespaces(team), random, planId, runnerImage: team.faultRunnerImage ?? undefined }, parsed.data);
  } catch (err) {
    if (err instanceof RunRefusedError) throw err;
    // The cluster's sandbox shard is down: its sentence as it is, which says what to do.
    if (err instanceof KubeAccessError && err.code === "shard-down") throw new RunRefusedError("cluster-unreachable", err.message);
    const status = statusOf(err);
    if (status === 401 || status === 403) throw new RunRefusedError("missing-permissions", describeKubeError(err));
    // The API server parsed a parameter (a label selector) and refused it: the request is at
    // fault, not the cluster, so it is a 400 rather than a 502.
    if (status === 400 || status === 422) throw new RunRefusedError("invalid-params", `The cluster refused the parameters: ${describeKubeError(err)}`);
    throw new RunRefusedError("cluster-unreachable", `The cluster could not be read: ${describeKubeError(err)}`);
  }
  if (request.expectedTargets) {
    const fresh = plan.targets.map(targetKey).sort();
    const seen = [...request.expectedTargets].sort();
    if (fresh.length !== seen.length || fresh.some((k, i) => k !== seen[i])) {
      throw new RunRefusedError("plan-changed", "The cluster changed since the plan you confirmed: plan again to see what the run would hit", {
        planned: seen,
        now: fresh,
      });
    }
  }
  return { request, action, params: parsed.data, team, cluster: clusterRow, plan, confirmReason: confirmationReason(plan, team) };
}

/** The dry run for a page: the plan and whether it needs the typed confirmation; nothing is written. */
export async function planRun(input: RunRequest): Promise<{ plan: Plan; confirmReason: string | null }> {
  const r = await resolveRun(input);
  checkSafety(r.action.id, r.plan, r.team, r.action.id);
  return { plan: r.plan, confirmReason: r.confirmReason };
}
