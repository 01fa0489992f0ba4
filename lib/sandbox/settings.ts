import path from "node:path";
import { z } from "zod";
import { DEFAULT_MAX_JSON_DEPTH, TEAM_CLUSTER_LIMITS } from "./limits";

/** The sandbox process's variables (exported for the deployment manifests' consistency test). */
export const sandboxEnvSchema = z.object({
  SANDBOX_HOST: z.string().default("127.0.0.1"),
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(6443),
  SANDBOX_ADMIN_PORT: z.coerce.number().int().min(0).max(65535).default(6444),
  SANDBOX_ADMIN_TOKEN: z.string().min(16).optional(),
  SANDBOX_DATA_DIR: z.string().default(".data/sandbox"),
  SANDBOX_TLS_SANS: z.string().default(""),
  SANDBOX_SNAPSHOT: z.enum(["0", "1", "true", "false"]).default("0"),
  // With SANDBOX_SNAPSHOT: journal every change before answering it (lib/sandbox/durable.ts).
  SANDBOX_JOURNAL: z.enum(["0", "1", "true", "false"]).default("1"),
  SANDBOX_SNAPSHOT_INTERVAL_S: z.coerce.number().int().min(1).max(86_400).default(60),
  SANDBOX_PUBLIC_URL: z.string().url().optional(),
  // Every virtual cluster's limits unless its creator sets others (trials do: lib/trials).
  SANDBOX_CLUSTER_MAX_OBJECTS: z.coerce.number().int().min(10).max(1_000_000).default(TEAM_CLUSTER_LIMITS.maxObjects),
  SANDBOX_CLUSTER_MAX_BYTES: z.coerce.number().int().min(1024 * 1024).max(16 * 1024 ** 3).default(TEAM_CLUSTER_LIMITS.maxBytes),
  SANDBOX_CLUSTER_MAX_WATCHES: z.coerce.number().int().min(1).max(100_000).default(TEAM_CLUSTER_LIMITS.maxWatches),
  SANDBOX_CLUSTER_REQUESTS_PER_SECOND: z.coerce.number().min(1).max(1_000_000).default(TEAM_CLUSTER_LIMITS.requestsPerSecond),
  SANDBOX_CLUSTER_REQUEST_BURST: z.coerce.number().int().min(1).max(1_000_000).default(TEAM_CLUSTER_LIMITS.requestBurst),
  SANDBOX_MAX_JSON_DEPTH: z.coerce.number().int().min(20).max(1000).default(DEFAULT_MAX_JSON_DEPTH),
});

/** The sandbox process settings from the environment, validated at start-up. */
export function sandboxSettings(env: NodeJS.ProcessEnv = process.env) {
  const s = sandboxEnvSchema.parse(env);
  return {
    host: s.SANDBOX_HOST,
    port: s.SANDBOX_PORT,
    adminPort: s.SANDBOX_ADMIN_PORT,
    adminToken: s.SANDBOX_ADMIN_TOKEN,
    dataDir: path.resolve(s.SANDBOX_DATA_DIR),
    tlsSans: s.SANDBOX_TLS_SANS.split(",").map((x) => x.trim()).filter(Boolean),
    snapshot: s.SANDBOX_SNAPSHOT === "1" || s.SANDBOX_SNAPSHOT === "true",
    journal: s.SANDBOX_JOURNAL === "1" || s.SANDBOX_JOURNAL === "true",
    snapshotIntervalMs: s.SANDBOX_SNAPSHOT_INTERVAL_S * 1000,
    publicUrl: s.SANDBOX_PUBLIC_URL,
    clusterDefaults: {
      maxObjects: s.SANDBOX_CLUSTER_MAX_OBJECTS,
      maxBytes: s.SANDBOX_CLUSTER_MAX_BYTES,
      maxWatches: s.SANDBOX_CLUSTER_MAX_WATCHES,
      requestsPerSecond: s.SANDBOX_CLUSTER_REQUESTS_PER_SECOND,
      requestBurst: s.SANDBOX_CLUSTER_REQUEST_BURST,
      maxJsonDepth: s.SANDBOX_MAX_JSON_DEPTH,
    },
  };
}
