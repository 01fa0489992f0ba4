import path from "node:path";
import { z } from "zod";

const schema = z.object({
  SANDBOX_HOST: z.string().default("127.0.0.1"),
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(6443),
  SANDBOX_ADMIN_PORT: z.coerce.number().int().min(0).max(65535).default(6444),
  SANDBOX_ADMIN_TOKEN: z.string().min(16).optional(),
  SANDBOX_DATA_DIR: z.string().default(".data/sandbox"),
  SANDBOX_TLS_SANS: z.string().default(""),
  SANDBOX_SNAPSHOT: z.enum(["0", "1", "true", "false"]).default("0"),
  SANDBOX_PUBLIC_URL: z.string().url().optional(),
});

/** The sandbox process settings from the environment, validated at start-up. */
export function sandboxSettings(env: NodeJS.ProcessEnv = process.env) {
  const s = schema.parse(env);
  return {
    host: s.SANDBOX_HOST,
    port: s.SANDBOX_PORT,
    adminPort: s.SANDBOX_ADMIN_PORT,
    adminToken: s.SANDBOX_ADMIN_TOKEN,
    dataDir: path.resolve(s.SANDBOX_DATA_DIR),
    tlsSans: s.SANDBOX_TLS_SANS.split(",").map((x) => x.trim()).filter(Boolean),
    snapshot: s.SANDBOX_SNAPSHOT === "1" || s.SANDBOX_SNAPSHOT === "true",
    publicUrl: s.SANDBOX_PUBLIC_URL,
  };
}
