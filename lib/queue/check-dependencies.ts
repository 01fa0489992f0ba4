import type { Redis } from "ioredis";
import { db } from "@/lib/db";

export interface DependencyHealth {
  ok: boolean;
  postgres: boolean;
  redis: boolean;
}

// A dependency that does not answer within this time counts as down: a health probe must
// answer quickly whatever state the connections are in.
const PROBE_TIMEOUT_MS = 3_000;

function withTimeout<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timeout")), PROBE_TIMEOUT_MS);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Whether PostgreSQL and Redis answer. Never throws; says which one failed, and nothing else. */
export async function checkDependencies(redis: Redis): Promise<DependencyHealth> {
  const [pg, rd] = await Promise.allSettled([withTimeout(db.$queryRaw`SELECT 1`), withTimeout(redis.ping())]);
  const postgres = pg.status === "fulfilled";
  const redisOk = rd.status === "fulfilled";
  return { ok: postgres && redisOk, postgres, redis: redisOk };
}
