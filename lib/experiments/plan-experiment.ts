import { randomBytes } from "node:crypto";
import { getAction, RunRefusedError } from "@/lib/actions";
import { checkPermissions, evaluateCheck, type CheckAccess } from "@/lib/checks";
import { db } from "@/lib/db";
import { planRun } from "@/lib/runs";
import { scoped, type TeamContext } from "@/lib/tenancy";
import { checkContextFor } from "./check-context";
import { parseDefinition, type ExperimentDefinition } from "./definition";
import { ExperimentError } from "./errors";
import { definitionOf } from "./store";
import type { ExperimentPlan } from "./types";

export type PlanInput = { clusterId: string; definition: unknown } | { experimentId: string };

/** A fresh seed for an execution's plans. */
export const newPlanSeed = () => randomBytes(12).toString("base64url");

/** The seed of fault step (stage, fault) of a plan: each step chooses on its own, reproducibly. */
export const faultSeed = (planSeed: string, stage: number, fault: number) => `${planSeed}:${stage}:${fault}`;

/** "Stage 1 (lose a cart pod), fault 2 (Pod kill)" — where a sentence about a step points. */
export const stepLabel = (stageIndex: number, stageName: string, faultIndex: number, faultName: string) =>
  `Stage ${stageIndex + 1} (${stageName}), fault ${faultIndex + 1} (${faultName})`;

async function resolveInput(ctx: TeamContext, input: PlanInput): Promise<{ clusterId: string; definition: ExperimentDefinition }> {
  if ("experimentId" in input) {
    const experiment = await db.experiment.findFirst({ where: { ...scoped(ctx), id: input.experimentId }, select: { clusterId: true, definition: true } });
    if (!experiment) throw new ExperimentError("not-found", "No such experiment in this team.");
    return { clusterId: experiment.clusterId, definition: definitionOf(experiment) };
  }
  const parsed = parseDefinition(input.definition);
  if (!parsed.ok) {
    const more = parsed.errors.length > 1 ? ` (and ${parsed.errors.length - 1} more)` : "";
    throw new ExperimentError("invalid-definition", `${parsed.errors[0]!.message}${more}`, parsed.errors);
  }
  return { clusterId: input.clusterId, definition: parsed.definition };
}

/**
 * The dry run of a whole experiment: every fault step planned exactly as its run would be
 * (resolveRun and the team's safety rules; a refusal is kept per step, not thrown), every check
 * evaluated once against the cluster and the team's Prometheus, and whether the cluster's
 * credentials allow each check. Writes nothing. Throws ExperimentError for a definition that
 * does not validate, an unknown experiment or a cluster not of the team.
 */
export async function planExperiment(ctx: TeamContext, input: PlanInput, opts: { planSeed?: string } = {}): Promise<ExperimentPlan> {
  const { clusterId, definition } = await resolveInput(ctx, input);
  const cluster = await db.cluster.findFirst({
    where: { ...scoped(ctx), id: clusterId },
    select: { id: true, kind: true, sandboxClusterId: true, sandboxShard: true, updatedAt: true, kubeconfigCiphertext: true },
  });
  if (!cluster) throw new ExperimentError("cluster-not-found", "Choose a cluster of this team for the experiment.", [{ path: "clusterId", message: "Choose a cluster of this team." }]);
  const planSeed = opts.planSeed ?? newPlanSeed();
  const checkCtx = await checkContextFor(ctx.team.id, cluster);

  const stages = Promise.all(
    definition.stages.map(async (stage, s) => ({
      name: stage.name,
      faults: await Promise.all(
        stage.faults.map(async (fault, f) => {
          const action = getAction(fault.actionId);
          const name = fault.name ?? action?.title ?? fault.actionId;
          const base = { name, actionId: fault.actionId, actionTitle: action?.title ?? fault.actionId };
          try {
            const { plan, confirmReason } = await planRun({
              teamId: ctx.team.id,
              clusterId: cluster.id,
              actionId: fault.actionId,
              params: fault.params,
              planSeed: faultSeed(planSeed, s, f),
            });
            return { ...base, plan, refusal: null, confirmReason };
          } catch (err) {
            if (!(err instanceof RunRefusedError)) throw err;
            return { ...base, plan: null, refusal: { code: err.code, message: err.message }, confirmReason: null };
          }
        }),
      ),
    })),
  );
  const checks = Promise.all(
    definition.checks.map(async (check, index) => {
      const [result, access] = await Promise.all([
        evaluateCheck(checkCtx, check),
        check.type === "prometheus" || !checkCtx.client ? Promise.resolve<CheckAccess | null>(null) : checkPermissions(checkCtx.client, check),
      ]);
      return { index, name: check.name, type: check.type, mode: check.mode, result, access };
    }),
  );
  const [plannedStages, evaluated] = await Promise.all([stages, checks]);

  const problems: string[] = [];
  const confirmReasons: string[] = [];
  plannedStages.forEach((stage, s) =>
    stage.faults.forEach((fault, f) => {
      const where = stepLabel(s, stage.name, f, fault.name);
      if (fault.refusal) problems.push(`${where}: ${fault.refusal.message}.`);
      if (fault.confirmReason) confirmReasons.push(`${where}: ${fault.confirmReason}`);
    }),
  );
  for (const c of evaluated) {
    if (c.access && !c.access.allowed) {
      const denied = c.access.permissions.filter((p) => p.allowed !== true).map((p) => p.label);
      problems.push(`The check "${c.name}" needs ${denied.join(", ") || "permissions"} that the cluster's credentials do not allow${c.access.problem ? ` (${c.access.problem})` : ""}.`);
    }
  }
  const ready = plannedStages.every((s) => s.faults.every((f) => f.refusal === null));
  return { stages: plannedStages, checks: evaluated, ready, problems, confirmReason: confirmReasons.length ? confirmReasons.join(" ") : null, planSeed };
}
