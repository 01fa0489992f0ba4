import { Redis, type RedisOptions } from "ioredis";
import { env } from "@/lib/env";
import { createLogger } from "@/lib/log";

const log = createLogger("redis");

// Without a listener ioredis prints every reconnect failure as an "unhandled error event".
function watch(redis: Redis, role: string): Redis {
  redis.on("error", (err: Error) => log.warn({ role, err: err.message }, "redis connection error"));
  return redis;
}

/**
 * A Redis connection for BullMQ workers: commands wait through reconnects instead of failing,
 * as BullMQ requires for its blocking connections (maxRetriesPerRequest: null).
 */
export function createWorkerConnection(extra: RedisOptions = {}): Redis {
  return watch(new Redis(env().REDIS_URL, { maxRetriesPerRequest: null, enableReadyCheck: true, ...extra }), "worker");
}

/**
 * A connection for SUBSCRIBE. After connecting, ioredis 5 sends its handshake (CLIENT SETINFO,
 * then INFO as the ready check) and a SUBSCRIBE issued in that window gets there first: the
 * connection is then in subscriber mode, Redis refuses the handshake ("Connection in subscriber
 * mode, only subscriber commands may be used") and the connection fails (redis/ioredis#2037,
 * fixed in ioredis 6, which BullMQ's pinned 5.x keeps out). This connection sends no handshake.
 */
export function createSubscriberConnection(): Redis {
  return createWorkerConnection({ enableReadyCheck: false, disableClientInfo: true });
}

// The web app's connection fails fast: a request should answer "try again", not hang while
// Redis is away.
let producer: Redis | undefined;

/** The process's shared producer connection (enqueueing, rate limits, health checks). */
export function producerConnection(): Redis {
  producer ??= watch(
    new Redis(env().REDIS_URL, {
      maxRetriesPerRequest: 1,
      connectTimeout: 5_000,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    }),
    "producer",
  );
  return producer;
}

/** Closes the shared producer connection (tests and process shutdown). */
export async function closeProducerConnection(): Promise<void> {
  const p = producer;
  producer = undefined;
  if (p) await p.quit().catch(() => p.disconnect());
}
