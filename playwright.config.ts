import { randomBytes } from "node:crypto";
import { defineConfig } from "@playwright/test";
import { E2E_DATABASE_URL, E2E_REDIS_PREFIX } from "./e2e/stack";

// Browser tests drive Debian's Chromium against the production build (`next build` first),
// started here with a database, a Redis key prefix and ports of its own.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${PORT}`;

// Every process of the stack under test shares these settings. The session secret is new for
// each run: nothing outlives the run that needs it.
const stackEnv = {
  DATABASE_URL: E2E_DATABASE_URL,
  PYSTOL_QUEUE_PREFIX: E2E_REDIS_PREFIX,
  NEXTAUTH_URL: baseURL,
  NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
  LOG_LEVEL: "warn",
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
      command: `npx tsx e2e/reset-stack.ts && npx next start -p ${PORT} -H 127.0.0.1`,
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
      url: "http://127.0.0.1:9565/healthz",
      env: { ...stackEnv, WORKER_HEALTH_PORT: "9565" },
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    // The sandbox cluster server (workers/sandbox.ts) goes here, on a port of its own, with
    // the web app and the worker told its address through stackEnv.
  ],
});
