import { requestMeta, type RequestMeta } from "@/lib/audit";
import { createId, db } from "@/lib/db";
import { experimentNameSchema, parseDefinition, type ExperimentDefinition, type ExperimentDefinitionInput } from "@/lib/experiments";
import { createLogger } from "@/lib/log";
import type { TeamContext } from "@/lib/tenancy";
import { CART_POD_EXPERIMENT, ZONE_EXPERIMENT } from "./trial-experiment-names";

const log = createLogger("trials");

// The two experiments every trial team finds on its demo shop: one that passes and one whose
// stop condition trips and rolls everything back. Their checks are HTTP checks through the
// API server's service proxy and Kubernetes state: a trial has no Prometheus server, and the
// shop's model answers those within a second of a fault (lib/sandbox/README.md). During-checks
// run every 2 s, at most two per experiment: a trial's cluster is small, and so is its share
// of the machine.

const checkout = { kind: "service", namespace: "shop", service: "frontend", port: "http", path: "/checkout" } as const;

export { CART_POD_EXPERIMENT, ZONE_EXPERIMENT };

export const TRIAL_EXPERIMENTS: readonly { name: string; definition: ExperimentDefinitionInput }[] = [
  {
    name: CART_POD_EXPERIMENT,
    definition: {
      description:
        "Cart runs two replicas. Kill one of them, three times, 10 s apart: the other one takes its load and checkout stays fast, while the deployment starts a replacement each time.",
      stages: [
        {
          name: "lose a cart pod",
          faults: [{ name: "kill a cart pod", actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart", count: 1, repeat: 3, intervalSeconds: 10 } }],
        },
      ],
      checks: [
        { name: "checkout answers", type: "http", mode: "before-and-after", target: checkout, expect: { status: ["2xx"] } },
        {
          name: "checkout under 300 ms",
          type: "http",
          mode: "during",
          intervalSeconds: 2,
          // One slow answer is tolerated (a busy machine has them); a second one trips it.
          tolerance: { failures: 1 },
          target: checkout,
          expect: { status: ["2xx"], maxLatencyMs: 300 },
        },
        { name: "cart back to two replicas", type: "kubernetes", mode: "after", check: { condition: "workload-available", workload: "Deployment", namespace: "shop", name: "cart", minAvailable: 2 } },
      ],
      recoveryWindowSeconds: 30,
      maxDurationSeconds: 300,
    },
  },
  {
    name: ZONE_EXPERIMENT,
    definition: {
      description:
        "Zone zone-a goes away: its nodes are drained and stay cordoned, and the frontend keeps one replica of three (the other zones have no room for the rest). Checkout cannot keep up, its stop condition trips, and both faults are rolled back at once.",
      stages: [
        {
          name: "lose zone-a",
          faults: [
            {
              name: "drain zone-a's nodes",
              actionId: "node-drain",
              params: { labelSelector: "topology.kubernetes.io/zone=zone-a", maxNodes: 4, evictionTimeoutSeconds: 60, durationSeconds: 120 },
            },
            {
              name: "the frontend keeps one replica",
              actionId: "deployment-scale",
              params: { namespace: "shop", name: "frontend", replicas: 1, durationSeconds: 120 },
            },
          ],
        },
      ],
      checks: [
        { name: "home page answers", type: "http", mode: "before-and-after", target: { ...checkout, path: "/" }, expect: { status: ["2xx"] } },
        {
          name: "checkout under 300 ms",
          type: "http",
          mode: "during",
          intervalSeconds: 2,
          tolerance: { failures: 1 },
          target: checkout,
          expect: { status: ["2xx"], maxLatencyMs: 300 },
        },
        { name: "frontend back to three replicas", type: "kubernetes", mode: "after", check: { condition: "workload-available", workload: "Deployment", namespace: "shop", name: "frontend", minAvailable: 3 } },
      ],
      recoveryWindowSeconds: 60,
      maxDurationSeconds: 300,
    },
  },
];

// The definitions as createExperiment would store them (validated, with their defaults), worked
// out once per process: they are the same for every trial. One that does not validate is
// logged and left out, as createExperiment would refuse it.
let validated: { name: string; definition: ExperimentDefinition }[] | undefined;
function validatedExperiments(): { name: string; definition: ExperimentDefinition }[] {
  if (validated) return validated;
  validated = [];
  for (const e of TRIAL_EXPERIMENTS) {
    const name = experimentNameSchema.safeParse(e.name);
    const definition = parseDefinition(e.definition);
    if (name.success && definition.ok) validated.push({ name: name.data, definition: definition.definition });
    else log.warn({ experiment: e.name, errors: definition.ok ? name.error?.issues : definition.errors }, "trial experiment is not valid");
  }
  return validated;
}

/**
 * Gives a trial team its two experiments on its sandbox cluster. Best effort: a trial without
 * them still works (the guide then points at the experiments page), so a failure is logged,
 * never thrown; a name already taken (a retry) is left as it is.
 * What createExperiment writes for each (the experiment, its version 1 and the audit event),
 * for both in one statement: "Try it now" made two transactions of five statements each here,
 * most of the form post's cost (BENCHMARKS.md, Trials). The cluster must be the team's.
 */
export async function createTrialExperiments(ctx: TeamContext, clusterId: string, meta?: RequestMeta): Promise<void> {
  const rows = validatedExperiments().map((e) => ({ id: createId(), versionId: createId(), name: e.name, definition: e.definition }));
  if (rows.length === 0) return;
  const { ip, userAgent } = meta ?? (await requestMeta());
  const teamId = ctx.team.id;
  const userId = ctx.user?.id ?? null;
  try {
    // Stored as UTC without a zone, as Prisma stores every DateTime.
    await db.$executeRaw`
      WITH input AS (
        SELECT x."id", x."versionId", x."name", x."definition", (clock_timestamp() AT TIME ZONE 'UTC')::timestamp(3) AS "at"
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x("id" text, "versionId" text, "name" text, "definition" jsonb)
        WHERE EXISTS (SELECT 1 FROM "Cluster" c WHERE c."id" = ${clusterId}::text AND c."teamId" = ${teamId}::text)
      ), made AS (
        INSERT INTO "Experiment" ("id", "teamId", "name", "clusterId", "version", "definition", "createdById", "createdAt", "updatedAt")
        SELECT "id", ${teamId}::text, "name", ${clusterId}::text, 1, "definition", ${userId}::text, "at", "at" FROM input
        ON CONFLICT ("teamId", "name") DO NOTHING
        RETURNING "id", "name"
      ), versions AS (
        INSERT INTO "ExperimentVersion" ("id", "teamId", "experimentId", "version", "clusterId", "definition", "createdById", "createdAt")
        SELECT input."versionId", ${teamId}::text, made."id", 1, ${clusterId}::text, input."definition", ${userId}::text, input."at"
        FROM made JOIN input ON input."id" = made."id"
      )
      INSERT INTO "AuditEvent" ("teamId", "actorUserId", "actorTokenId", "action", "targetType", "targetId", "data", "ip", "userAgent", "at")
      SELECT ${teamId}::text, ${userId}::text, ${ctx.tokenId}::text, 'experiment.created', 'experiment', made."id",
        jsonb_build_object('name', made."name"), ${ip}::text, ${userAgent}::text, input."at"
      FROM made JOIN input ON input."id" = made."id"`;
  } catch (err) {
    log.warn({ err: err instanceof Error ? err.message : String(err), teamId }, "trial experiments could not be created");
  }
}
