import { randomBytes } from "node:crypto";

// Where the stack under test keeps its state and listens; shared by playwright.config.ts and
// the tests. Every value can be moved by the environment, so two checkouts on one machine can
// run their browser tests side by side.
export const E2E_DATABASE_URL =
  process.env.E2E_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/pystol_e2e";
export const E2E_REDIS_PREFIX = process.env.E2E_REDIS_PREFIX ?? "pystol-e2e";
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_WORKER_HEALTH_PORT = Number(process.env.E2E_WORKER_HEALTH_PORT ?? 9565);
export const E2E_SANDBOX_PORT = Number(process.env.E2E_SANDBOX_PORT ?? 6543);
export const E2E_SANDBOX_ADMIN_PORT = Number(process.env.E2E_SANDBOX_ADMIN_PORT ?? 6544);
export const E2E_SANDBOX_DATA_DIR = process.env.E2E_SANDBOX_DATA_DIR ?? ".data/e2e-sandbox";
/** The sandbox admin token of this run: the tests create virtual clusters with it. */
export const E2E_SANDBOX_ADMIN_TOKEN =
  process.env.E2E_SANDBOX_ADMIN_TOKEN ?? (process.env.E2E_SANDBOX_ADMIN_TOKEN = randomBytes(24).toString("hex"));
export const E2E_SANDBOX_ADMIN_URL = `http://127.0.0.1:${E2E_SANDBOX_ADMIN_PORT}`;
/**
 * A second sandbox shard, configured but never started: the stack's clusters all land on the
 * first (the least loaded of those that answer), and a cluster row naming this shard shows
 * what a cluster on a shard that died shows (e2e/shards.spec.ts). Nothing may listen here.
 */
export const E2E_SANDBOX_DOWN_SHARD_PORT = Number(process.env.E2E_SANDBOX_DOWN_SHARD_PORT ?? 6599);
export const E2E_SANDBOX_SHARDS = `default=${E2E_SANDBOX_ADMIN_URL},shard-down=http://127.0.0.1:${E2E_SANDBOX_DOWN_SHARD_PORT}`;
/** The local SMTP server the stack sends its mail to, and the HTTP port the tests read it from. */
export const E2E_SMTP_PORT = Number(process.env.E2E_SMTP_PORT ?? 2525);
export const E2E_MAIL_HTTP_PORT = Number(process.env.E2E_MAIL_HTTP_PORT ?? 2526);
export const E2E_MAIL_URL = `http://127.0.0.1:${E2E_MAIL_HTTP_PORT}`;
