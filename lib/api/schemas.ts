import { z } from "zod";
import { SHARE_EXPIRIES } from "@/lib/share/expiry";

// Request and response schemas of /api/v1: the route handlers validate with them and the
// OpenAPI document is generated from them, so the two cannot drift apart.

export const RUN_STATES = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "ROLLING_BACK", "ROLLED_BACK", "ROLLBACK_FAILED"] as const;

/** Every named schema of the API, the `components.schemas` of the OpenAPI document. */
export const apiRegistry = z.registry<{ id: string }>();

const id = z.string().min(1).max(64);

export const errorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), issues: z.array(z.object({ path: z.string(), message: z.string() })).optional() }) })
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
    runId: id,
    url: z.string().optional().describe("Only in the creation answer: the link itself, shown once"),
    createdAt: date,
    expiresAt: nullableDate,
    revokedAt: nullableDate,
    lastViewedAt: nullableDate,
    viewCount: z.number().int(),
    live: z.boolean(),
  })
  .register(apiRegistry, { id: "ShareLink" });
