import { z } from "zod";

// Settings of "Try it now", from the environment. Every limit has a default that keeps one
// visitor from exhausting a small installation; operators raise them for a bigger one.
const schema = z.object({
  // How long a trial lives before the expiry job deletes it (minutes).
  TRIAL_TTL_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(120),
  // Trials one client address may start per hour.
  TRIAL_PER_IP_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(5),
  // Fault runs (dry runs not counted) one trial may start over its life.
  TRIAL_MAX_RUNS: z.coerce.number().int().min(1).max(100_000).default(25),
  // Objects a trial's virtual cluster may hold (the demo application holds about 130).
  TRIAL_MAX_OBJECTS: z.coerce.number().int().min(200).max(100_000).default(400),
  // Bytes of stored objects (their JSON) a trial's cluster may hold (the demo holds about 0.5 MB).
  TRIAL_MAX_BYTES: z.coerce.number().int().min(1024 * 1024).max(1024 ** 3).default(16 * 1024 * 1024),
  // Watches a trial's cluster may keep open at once (kubectl get -w, informers).
  TRIAL_MAX_WATCHES: z.coerce.number().int().min(1).max(10_000).default(20),
  // Requests a second to a trial's cluster (bursts of twice as many pass at once).
  TRIAL_REQUESTS_PER_SECOND: z.coerce.number().int().min(1).max(100_000).default(50),
  // Trials alive at the same time on the whole installation.
  TRIAL_MAX_ACTIVE: z.coerce.number().int().min(1).max(1_000_000).default(500),
  // Ready trial clusters the worker keeps in reserve (0: each trial creates its own).
  TRIAL_POOL_SIZE: z.coerce.number().int().min(0).max(10_000).default(0),
  // The slug of the team holding the pool. Two dashes in a row keep it out of slugify's reach;
  // installations sharing one database (test files do) give each its own pool.
  TRIAL_POOL_TEAM: z
    .string()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*--[a-z0-9]+(-[a-z0-9]+)*$/, "a slug with two dashes in a row, e.g. trial--pool")
    .max(60)
    .default("trial--pool"),
});

export type TrialSettings = z.infer<typeof schema>;

/** The validated trial settings; throws naming the variable when one is wrong. */
export function trialSettings(source: NodeJS.ProcessEnv = process.env): TrialSettings {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    throw new Error(`Invalid environment:\n${parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n")}`);
  }
  return parsed.data;
}

/** The sandbox limits of a trial's cluster: narrower than a team's, since anyone may start one. */
export function trialClusterLimits(s: TrialSettings) {
  return {
    maxObjects: s.TRIAL_MAX_OBJECTS,
    maxBytes: s.TRIAL_MAX_BYTES,
    maxWatches: s.TRIAL_MAX_WATCHES,
    requestsPerSecond: s.TRIAL_REQUESTS_PER_SECOND,
    requestBurst: s.TRIAL_REQUESTS_PER_SECOND * 2,
  };
}
