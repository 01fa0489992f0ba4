import { randomBytes } from "node:crypto";
import { defineConfig } from "@playwright/test";
import {
  E2E_DATABASE_URL,
  E2E_PORT,
  E2E_REDIS_PREFIX,
  E2E_SANDBOX_ADMIN_PORT,
  E2E_SANDBOX_ADMIN_TOKEN,
  E2E_SANDBOX_ADMIN_URL,
  E2E_SANDBOX_DATA_DIR,
  E2E_SANDBOX_PORT,
  E2E_SANDBOX_SHARDS,
  E2E_WORKER_HEALTH_PORT,
  E2E_MAIL_HTTP_PORT,
  E2E_MAIL_URL,
  E2E_SMTP_PORT,
} from "./e2e/stack";

// Browser tests drive Debian's Chromium against the production build (`next build` first),
// started here with a database, a Redis key prefix and ports of its own.
const PORT = E2E_PORT;
// E2E_NEXT=dev serves the app with `next dev` instead, for quick iteration on one spec without a
// production build; `npm test` always tests the build.
// The production entry (server.mjs) in one process: the tests look at one process's state
// (caches, metrics); E2E_WEB_CONCURRENCY runs them against several.
const NEXT_COMMAND = process.env.E2E_NEXT === "dev" ? "npx next dev" : `node server.mjs`;
const baseURL = `http://127.0.0.1:${PORT}`;

// Every process of the stack under test shares these settings. The session secret is new for
// each run: nothing outlives the run that needs it.
const stackEnv = {
  DATABASE_URL: E2E_DATABASE_URL,
  PYSTOL_QUEUE_PREFIX: E2E_REDIS_PREFIX,
  NEXTAUTH_URL: baseURL,
  NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
  LOG_LEVEL: "warn",
  SANDBOX_ADMIN_URL: E2E_SANDBOX_ADMIN_URL,
  SANDBOX_SHARDS: E2E_SANDBOX_SHARDS,
  SANDBOX_ADMIN_TOKEN: E2E_SANDBOX_ADMIN_TOKEN,
  // Browser tests upload the sandbox's own kubeconfigs, which point at loopback: the test
  // operator allows exactly that address.
  PYSTOL_KUBE_ALLOWED_CIDRS: "127.0.0.1/32",
  // Webhook tests post to a receiver of their own on loopback, over plain http.
  PYSTOL_WEBHOOK_ALLOWED_CIDRS: "127.0.0.1/32",
  PYSTOL_WEBHOOK_ALLOW_HTTP: "true",
  WEBHOOK_BACKOFF_MS: "500",
  WEB_CONCURRENCY: process.env.E2E_WEB_CONCURRENCY ?? "1",
  // The tests play many visitors from one machine: the test runner stands in for one reverse
  // proxy and gives every test an address of its own in X-Forwarded-For (e2e/fixtures.ts).
  // The default (no proxy, the socket's address) is tested by e2e/client-address.spec.ts.
  PYSTOL_TRUSTED_PROXY_HOPS: "1",
  // Mail goes to the local SMTP server below; the tests read the links from it.
  SMTP_URL: `smtp://127.0.0.1:${E2E_SMTP_PORT}`,
  MAIL_FROM: "Pystol <no-reply@pystol.test>",
  // Stored kubeconfigs are sealed under a key of this run (production refuses to run without
  // one); kept in the environment so test workers, which seal kubeconfigs too, share it.
  PYSTOL_ENCRYPTION_KEYS: (process.env.PYSTOL_ENCRYPTION_KEYS ??= `e2e:${randomBytes(32).toString("base64")}`),
};

export default defineConfig({
  testDir: "./e2e",
  fullyParallel: true,
  workers: 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  // The processes of the stack, each started fresh and awaited on its health URL.
  webServer: [
    // The web app: the production build made by `next build`, on a freshly reset database.
    {
      command: `npx tsx e2e/reset-stack.ts && ${NEXT_COMMAND} -p ${PORT} -H 127.0.0.1`,
      url: `${baseURL}/api/health`,
      env: stackEnv,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    // The run worker (workers/worker.ts), with its health server on a port of its own.
    {
      command: "npx tsx workers/worker.ts",
      url: `http://127.0.0.1:${E2E_WORKER_HEALTH_PORT}/healthz`,
      env: { ...stackEnv, WORKER_HEALTH_PORT: String(E2E_WORKER_HEALTH_PORT) },
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    // A local SMTP server that keeps the mail the app sends (e2e/mail-sink-server.ts).
    {
      command: "npx tsx e2e/mail-sink-server.ts",
      url: `${E2E_MAIL_URL}/healthz`,
      env: { E2E_SMTP_PORT: String(E2E_SMTP_PORT), E2E_MAIL_HTTP_PORT: String(E2E_MAIL_HTTP_PORT) },
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    // The sandbox cluster server (workers/sandbox.ts), on ports of its own.
    {
      command: "npx tsx workers/sandbox.ts",
      url: `${E2E_SANDBOX_ADMIN_URL}/healthz`,
      env: {
        ...stackEnv,
        SANDBOX_PORT: String(E2E_SANDBOX_PORT),
        SANDBOX_ADMIN_PORT: String(E2E_SANDBOX_ADMIN_PORT),
        SANDBOX_DATA_DIR: E2E_SANDBOX_DATA_DIR,
      },
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
    },
  ],
});
