// Run before the web app starts (see playwright.config.ts): a clean database built from the
// migrations and clean rate-limit counters for every browser test run. It runs as part of the
// web server's command because Playwright starts web servers before its globalSetup, and the
// app's health check needs the database.
import { Redis } from "ioredis";
import { deployMigrations, dropDatabase } from "../prisma/migrate";

const url = process.env.DATABASE_URL;
const prefix = process.env.PYSTOL_QUEUE_PREFIX;
if (!url?.includes("_e2e") || !prefix?.includes("e2e")) {
  throw new Error(
    "reset-stack only resets an e2e database and Redis prefix (DATABASE_URL, PYSTOL_QUEUE_PREFIX)",
  );
}

await dropDatabase(url);
await deployMigrations(url);
const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
try {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
} finally {
  await redis.quit();
}
