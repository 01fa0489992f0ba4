import { z } from "zod";
import { CHECK_MODES, experimentDefinitionSchema } from "@/lib/experiments/definition";
import { experimentFileSchema } from "@/lib/experiments/file";
import { SHARE_EXPIRIES } from "@/lib/share/expiry";

// Request and response schemas of /api/v1: the route handlers validate with them and the
// OpenAPI document is generated from them, so the two cannot drift apart.

export const RUN_STATES = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "ROLLING_BACK", "ROLLED_BACK", "ROLLBACK_FAILED"] as const;

/** Every named schema of the API, the `components.schemas` of the OpenAPI document. */
export const apiRegistry = z.registry<{ id: string }>();

const id = z.string().min(1).max(64);

/** The request bodies: the document shows them as the client writes them (defaults optional). */
export const REQUEST_SCHEMAS = new Set(["CreateRun", "CreateShareLink", "CreateExperiment", "UpdateExperiment", "StartExecution", "ExperimentFile"]);

export const errorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), issues: z.array(z.object({ path: z.string(), message: z.string(), line: z.number().int().optional(), column: z.number().int().optional() })).optional() }) })
  .register(apiRegistry, { id: "Error" });

export const createRunBody = z
  .object({
    action: z.string().min(1).max(64).describe("Action id, e.g. pod-kill"),
    cluster: z.string().min(1).max(100).describe("Cluster id or name"),
    params: z.record(z.string(), z.unknown()).default({}).describe("The action's parameters (see its paramsSchema)"),
    dryRun: z.boolean().default(false).describe("Resolve and record the plan only; nothing in the cluster changes"),
    confirm: z.string().max(100).optional().describe("The action id, required when the plan exceeds the team's confirmation threshold or has confirmBecause"),
  })
  .strict()
  .register(apiRegistry, { id: "CreateRun" });

const stateList = z
  .string()
  .max(200)
  .transform((s) => s.split(",").map((x) => x.trim().toUpperCase()).filter(Boolean))
  .pipe(z.array(z.enum(RUN_STATES)));

export const listRunsQuery = z
  .object({
    state: stateList.optional().describe("Comma-separated run states"),
    action: z.string().max(64).optional().describe("Action id"),
    cluster: z.string().max(100).optional().describe("Cluster id or name"),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    before: id.optional().describe("Cursor: the id of the last run of the previous page"),
  })
  .strict();

export const logsQuery = z
  .object({
    after: z.coerce.number().int().min(0).optional().describe("Only lines with a larger id (for following)"),
    limit: z.coerce.number().int().min(1).max(5000).default(1000),
  })
  .strict();

export const createShareBody = z
  .object({ expiry: z.enum(SHARE_EXPIRIES).default("7d").describe("How long the link works") })
  .strict()
  .register(apiRegistry, { id: "CreateShareLink" });

const date = z.iso.datetime();
const nullableDate = date.nullable();
const target = z.object({ kind: z.string(), namespace: z.string().optional(), name: z.string() });

export const clusterSchema = z
  .object({
    id,
    name: z.string(),
    kind: z.enum(["KUBECONFIG", "SANDBOX"]),
    status: z.enum(["PENDING", "CONNECTED", "UNREACHABLE", "UNAUTHORIZED", "ERROR"]),
    statusMessage: z.string().nullable(),
    serverHost: z.string().nullable(),
    kubernetesVersion: z.string().nullable(),
    nodeCount: z.number().int().nullable(),
    permissions: z.record(z.string(), z.boolean()).nullable(),
    lastCheckedAt: nullableDate,
    createdAt: date,
  })
  .register(apiRegistry, { id: "Cluster" });

export const actionSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    permissions: z.array(z.string()),
    paramsSchema: z.record(z.string(), z.unknown()).describe("JSON Schema of the parameters"),
  })
  .register(apiRegistry, { id: "Action" });

export const planSchema = z
  .object({
    summary: z.string(),
    targets: z.array(target),
    detail: z.record(z.string(), z.unknown()).optional(),
    confirmBecause: z.string().optional().describe("Why the run needs the typed confirmation whatever its size (pass confirm)"),
  })
  .register(apiRegistry, { id: "Plan" });

export const runSchema = z
  .object({
    id,
    action: z.string(),
    cluster: z.object({ id, name: z.string() }),
    state: z.enum(RUN_STATES),
    finished: z.boolean().describe("Whether the state is permanent"),
    dryRun: z.boolean(),
    params: z.unknown(),
    plan: planSchema.nullable(),
    result: z.unknown(),
    error: z.string().nullable(),
    progress: z.number().int(),
    queuedAt: date,
    startedAt: nullableDate,
    finishedAt: nullableDate,
    abortRequestedAt: nullableDate,
  })
  .register(apiRegistry, { id: "Run" });

export const stepSchema = z
  .object({
    index: z.number().int(),
    name: z.string(),
    state: z.string(),
    target: target.nullable(),
    error: z.string().nullable(),
    startedAt: nullableDate,
    finishedAt: nullableDate,
  })
  .register(apiRegistry, { id: "RunStep" });

export const logLineSchema = z.object({ id: z.number().int(), at: date, level: z.string(), message: z.string() }).register(apiRegistry, { id: "RunLogLine" });

export const shareLinkSchema = z
  .object({
    id,
    runId: id.nullable().describe("The shared run, or null for a shared execution"),
    executionId: id.nullable().describe("The shared experiment execution, or null for a shared run"),
    url: z.string().optional().describe("Only in the creation answer: the link itself, shown once"),
    createdAt: date,
    expiresAt: nullableDate,
    revokedAt: nullableDate,
    lastViewedAt: nullableDate,
    viewCount: z.number().int(),
    live: z.boolean(),
  })
  .register(apiRegistry, { id: "ShareLink" });

// Experiments and their executions.

export const EXECUTION_STATES = ["QUEUED", "CHECKING", "INJECTING", "OBSERVING", "RECOVERING", "STOPPING", "PASSED", "FAILED", "STOPPED", "ABORTED", "ERROR", "NOT_STARTED"] as const;

/** The definition as the handlers validate it: the one schema of lib/experiments, each refusal a sentence with its path. */
export const experimentDefinition = experimentDefinitionSchema.register(apiRegistry, { id: "ExperimentDefinition" });

const experimentName = z.string().max(200).describe("The experiment's name, unique in the team");
const clusterRef = z.string().min(1).max(100).describe("Cluster id or name");

export const createExperimentBody = z
  .object({
    name: experimentName.optional().describe("The experiment's name, unique in the team (required unless dryRun)"),
    cluster: clusterRef,
    definition: experimentDefinition,
    dryRun: z
      .boolean()
      .default(false)
      .describe("Plan every fault step and evaluate every check once, without saving anything or changing the cluster"),
  })
  .strict()
  .register(apiRegistry, { id: "CreateExperiment" });

export const updateExperimentBody = z
  .object({
    name: experimentName.optional().describe("A new name (default: unchanged)"),
    cluster: clusterRef.optional().describe("Cluster id or name (default: unchanged)"),
    definition: experimentDefinition,
    expectedVersion: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe("The version this change was made on; if someone saved another version since, the answer is 409 and nothing is saved"),
  })
  .strict()
  .register(apiRegistry, { id: "UpdateExperiment" });

export const startExecutionBody = z
  .object({
    confirm: z
      .string()
      .max(200)
      .optional()
      .describe("The experiment's name, required when the plan says confirmReason (a fault step exceeds the confirmation threshold or names a reason)"),
    planSeed: z
      .string()
      .min(8, { error: "planSeed is the planSeed of a dry run's answer." })
      .max(64, { error: "planSeed is the planSeed of a dry run's answer." })
      .regex(/^[A-Za-z0-9_-]+$/, { error: "planSeed is the planSeed of a dry run's answer." })
      .optional()
      .describe("The planSeed of the dry run you looked at: each fault step then hits what it showed, while the cluster stays as it was"),
  })
  .strict()
  .register(apiRegistry, { id: "StartExecution" });

const executionStateList = z
  .string()
  .max(300)
  .transform((s) => s.split(",").map((x) => x.trim().toUpperCase().replace(/-/g, "_")).filter(Boolean))
  .pipe(z.array(z.enum(EXECUTION_STATES)));

export const listExecutionsQuery = z
  .object({
    state: executionStateList.optional().describe("Comma-separated execution states (passed, failed, not-started, …)"),
    experiment: z.string().max(200).optional().describe("Experiment id or name"),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    before: id.optional().describe("Cursor: the id of the last execution of the previous page"),
  })
  .strict();

const lastExecution = z.object({ id, state: z.enum(EXECUTION_STATES), score: z.number().int().nullable(), queuedAt: date, finishedAt: nullableDate });

export const experimentSummarySchema = z
  .object({
    id,
    name: z.string(),
    version: z.number().int(),
    description: z.string(),
    cluster: z.object({ id, name: z.string() }),
    stages: z.number().int(),
    faults: z.number().int(),
    checks: z.number().int(),
    updatedAt: date,
    lastExecution: lastExecution.nullable(),
  })
  .register(apiRegistry, { id: "ExperimentSummary" });

export const experimentSchema = z
  .object({
    id,
    name: z.string(),
    version: z.number().int().describe("The current version; every save makes a new one"),
    cluster: z.object({ id, name: z.string() }),
    definition: experimentDefinition,
    createdAt: date,
    updatedAt: date,
  })
  .register(apiRegistry, { id: "Experiment" });

export const experimentVersionSchema = z
  .object({ version: z.number().int(), clusterId: id, createdAt: date, createdBy: z.object({ name: z.string() }).nullable(), definition: experimentDefinition })
  .register(apiRegistry, { id: "ExperimentVersion" });

// Experiments as code: the file (YAML or JSON), applied or exported.

/** The experiment file, as a person writes it; the same schema as /schemas/experiment-v1.json. */
export const experimentFile = experimentFileSchema.register(apiRegistry, { id: "ExperimentFile" });

const booleanText = z.enum(["true", "false"]).transform((v) => v === "true");

export const applyExperimentQuery = z
  .object({ dryRun: booleanText.default(false).describe("true: answer what applying would do (created, updated or unchanged, with the diff) and save nothing") })
  .strict();

export const exportExperimentQuery = z
  .object({ format: z.enum(["yaml", "json"], { error: "format is yaml or json." }).default("yaml").describe("yaml (default) or json") })
  .strict();

export const applyExperimentResultSchema = z
  .object({
    outcome: z.enum(["created", "updated", "unchanged"]).describe("created: a new experiment at version 1; updated: a new version; unchanged: the file says what the current version says, no version is made"),
    dryRun: z.boolean(),
    experiment: experimentSchema.nullable().describe("The experiment after the apply (null on a dry run that would create it)"),
    diff: z.string().describe("What changes, as a unified diff of the experiment file (YAML) before and after; empty when unchanged"),
    added: z.number().int().describe("Lines added"),
    removed: z.number().int().describe("Lines removed"),
  })
  .register(apiRegistry, { id: "ApplyExperimentResult" });

const refusal = z.object({ code: z.string(), message: z.string() });

/** What names a check of an experiment in a plan and in an execution. */
const checkHead = { index: z.number().int(), name: z.string(), type: z.enum(["http", "kubernetes", "prometheus"]), mode: z.enum(CHECK_MODES) };

export const experimentPlanSchema = z
  .object({
    stages: z.array(
      z.object({
        name: z.string(),
        faults: z.array(
          z.object({
            name: z.string(),
            actionId: z.string(),
            actionTitle: z.string(),
            plan: planSchema.nullable().describe("The plan exactly as a run of this step would resolve it now; null when refused"),
            refusal: refusal.nullable(),
            confirmReason: z.string().nullable(),
          }),
        ),
      }),
    ),
    checks: z.array(
      z.object({
        ...checkHead,
        result: z.record(z.string(), z.unknown()).describe("One evaluation now: outcome (pass, fail, error), value, observed"),
        access: z.record(z.string(), z.unknown()).nullable().describe("Whether the cluster's credentials allow the check"),
      }),
    ),
    ready: z.boolean().describe("Every step plans and no refusal stands"),
    problems: z.array(z.string()).describe("What keeps the experiment from starting, one sentence each"),
    confirmReason: z.string().nullable().describe("Why starting it needs confirm (the experiment's name)"),
    planSeed: z.string().describe("Pass it to run (planSeed) so the fault steps hit what this plan showed"),
  })
  .register(apiRegistry, { id: "ExperimentPlan" });

const executionBase = {
  id,
  experiment: z.object({ id, name: z.string() }),
  version: z.number().int(),
  state: z.enum(EXECUTION_STATES),
  finished: z.boolean().describe("Whether the state is a verdict (permanent)"),
  verdict: z.string().nullable().describe("passed, failed, stopped, aborted, error or not-started; null while it runs"),
  reason: z.string().nullable().describe("Why it ended as it did, in one sentence"),
  score: z.number().int().nullable().describe("The resilience score, 0-100; null until it ends"),
  queuedAt: date,
  startedAt: nullableDate,
  finishedAt: nullableDate,
  createdBy: z.object({ name: z.string() }).nullable(),
};

export const executionSummarySchema = z.object(executionBase).register(apiRegistry, { id: "ExecutionSummary" });

const outcome = z.enum(["pass", "fail", "error"]).nullable();

export const executionSchema = z
  .object({
    ...executionBase,
    definition: experimentDefinition,
    cluster: z.object({ id, name: z.string(), kind: z.enum(["KUBECONFIG", "SANDBOX"]) }),
    trippedBy: z.object({ checkIndex: z.number().int(), name: z.string(), at: date }).nullable().describe("The stop condition that tripped"),
    abortedBy: z.object({ name: z.string() }).nullable(),
    stageIndex: z.number().int().nullable().describe("The stage being run (0-based)"),
    faultsEndedAt: nullableDate,
    stages: z.array(
      z.object({
        index: z.number().int(),
        name: z.string(),
        startedAt: nullableDate,
        endedAt: nullableDate,
        faults: z.array(
          z.object({
            index: z.number().int(),
            name: z.string(),
            actionId: z.string(),
            actionTitle: z.string(),
            runId: id.nullable().describe("The run of this fault step (GET /runs/{runId})"),
            state: z.enum(RUN_STATES).nullable(),
            summary: z.string().nullable(),
            startedAt: nullableDate,
            finishedAt: nullableDate,
          }),
        ),
      }),
    ),
    checks: z.array(
      z.object({
        ...checkHead,
        intervalSeconds: z.number().int(),
        tolerance: z.record(z.string(), z.number()),
        stopOnTrip: z.boolean(),
        threshold: z.object({ value: z.number(), op: z.string(), unit: z.string() }).nullable(),
        samples: z.array(
          z.object({
            at: date,
            phase: z.enum(["before", "during", "after"]),
            outcome: z.enum(["pass", "fail", "error"]),
            value: z.number().nullable(),
            observed: z.string(),
            durationMs: z.number(),
          }),
        ),
        outcome: z.object({ before: outcome, during: outcome, after: outcome }),
        tripped: z.boolean(),
      }),
    ),
  })
  .register(apiRegistry, { id: "Execution" });

export const listExperimentExecutionsQuery = listExecutionsQuery.omit({ experiment: true });

/** A POST that takes no fields: an empty body or {}. */
export const emptyBody = z.object({}).strict();
