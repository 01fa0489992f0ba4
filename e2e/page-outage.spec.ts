import { randomBytes } from "node:crypto";
import type { ChildProcess } from "node:child_process";
import { expect, test } from "@playwright/test";
import { deployMigrations } from "../prisma/migrate";
import { freePort, startWebProcess } from "../lib/runs/testing/processes";
import { createDatabase, startPrivatePostgres, type PrivatePostgres } from "../lib/runs/testing/private-postgres";
import { E2E_REDIS_PREFIX, E2E_SANDBOX_ADMIN_TOKEN, E2E_SANDBOX_ADMIN_URL } from "./stack";

// A page read while PostgreSQL is away answers 503 with Retry-After, as the API does, and
// shows the error page's "try again" instead of Next.js's bare 500; once PostgreSQL is back the
// same address works again. The web server and its PostgreSQL are this test's own, so stopping
// the database touches no other test.

let pg: PrivatePostgres | undefined;
let web: ChildProcess | undefined;
test.afterAll(async () => {
  web?.kill("SIGKILL");
  await pg?.destroy();
});

test("a shared link opened during a database outage says to try again (503, Retry-After) and opens once the database is back", async ({ page }) => {
  test.slow(); // a production Next.js process and a PostgreSQL of its own start here
  pg = await startPrivatePostgres({ port: await freePort() });
  await createDatabase(pg.url("postgres"), "pystol_outage");
  const databaseUrl = pg.url("pystol_outage");
  await deployMigrations(databaseUrl);
  const started = await startWebProcess({
    env: {
      DATABASE_URL: databaseUrl,
      WEB_CONCURRENCY: "1",
      PYSTOL_QUEUE_PREFIX: `${E2E_REDIS_PREFIX}-outage`,
      NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
      PYSTOL_ENCRYPTION_KEYS: process.env.PYSTOL_ENCRYPTION_KEYS ?? `e2e:${randomBytes(32).toString("base64")}`,
      SANDBOX_ADMIN_URL: E2E_SANDBOX_ADMIN_URL,
      SANDBOX_ADMIN_TOKEN: E2E_SANDBOX_ADMIN_TOKEN,
      LOG_LEVEL: "fatal",
    },
    stderr: "ignore",
    healthTimeoutMs: 120_000,
  });
  web = started.child;
  // A well-formed link that was never made: the page looks it up in the database.
  const link = `${started.base}/r/shr_${randomBytes(32).toString("base64url")}`;

  const before = await page.goto(link);
  expect(before?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "This shared link does not work" })).toBeVisible();

  await pg.stop("immediate");
  const during = await page.goto(link);
  expect(during?.status()).toBe(503);
  expect(during?.headers()["retry-after"]).toBe("5");
  await expect(page.getByRole("heading", { name: "This page could not be shown" })).toBeVisible();
  await expect(page.getByText("Try again in a moment")).toBeVisible();

  await pg.start();
  await expect.poll(async () => (await page.goto(link))?.status(), { timeout: 30_000, intervals: [500] }).toBe(404);
  await expect(page.getByRole("heading", { name: "This shared link does not work" })).toBeVisible();
});
