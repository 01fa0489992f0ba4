import { deployMigrations, dropDatabase } from "./prisma/migrate";

// Integration tests run against a real PostgreSQL database of their own, rebuilt from the
// migrations at the start of each test run, and a Redis key prefix of their own.
const base = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/pystol_test";

export async function setup(): Promise<void> {
  process.env.DATABASE_URL = base;
  process.env.PYSTOL_QUEUE_PREFIX = `pystol-test-${process.pid}`;
  await dropDatabase(base);
  await deployMigrations(base);
}
