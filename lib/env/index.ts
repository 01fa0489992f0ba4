import { z } from "zod";

// Settings read from the environment, validated once so a wrong value fails at start-up
// with a message naming the variable, not at the first request that needs it.
export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  DATABASE_URL: z.string().url().default("postgresql://postgres@127.0.0.1:5432/pystol"),
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  // Prefix of every Redis key the queues use; tests give each run its own.
  PYSTOL_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/)
    .default("pystol"),
  NEXTAUTH_URL: z.string().url().default("http://localhost:3000"),
  NEXTAUTH_SECRET: z.string().min(32).optional(),
  GITHUB_ID: z.string().optional(),
  GITHUB_SECRET: z.string().optional(),
  GOOGLE_CLIENT_ID: z.string().optional(),
  GOOGLE_CLIENT_SECRET: z.string().optional(),
  // Outgoing mail (password resets, address confirmations). Unset: no mail server, and the
  // links are written to the log for the operator instead (lib/mail).
  SMTP_URL: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .url("must be a URL such as smtp://user:pass@mail.example.com:587 or smtps://…:465")
      .refine((v) => /^smtps?:\/\//i.test(v), "must start with smtp:// or smtps://")
      .optional(),
  ),
  MAIL_FROM: z
    .string()
    .max(200)
    .regex(/^(?:[^<>@\r\n]*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/, 'must be an address, e.g. "Pystol <no-reply@example.com>"')
    .default("Pystol <no-reply@localhost>"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  // The fault runner's image (runner/Dockerfile) that network, DNS, HTTP, CPU, memory and
  // process faults start next to their target; clusters must be able to pull it.
  PYSTOL_RUNNER_IMAGE: z
    .string()
    .regex(
      /^[a-z0-9]+(?:[._\/:@-][A-Za-z0-9_.-]+)*$/,
      "must be an image reference such as registry.example.com/pystol/fault-runner:1.0",
    )
    .max(512)
    .default("pystol-fault-runner:local"),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

/** Validates a set of variables; throws with every offending variable named (never its value). */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

/** The validated environment; throws with every offending variable named. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
