import { createHash } from "node:crypto";
import { producerConnection } from "@/lib/queue/connection";
import { env } from "@/lib/env";

export interface Limit {
  /** What is counted, e.g. "signin:ip". */
  bucket: string;
  max: number;
  windowSeconds: number;
}

export interface ThrottleResult {
  allowed: boolean;
  retryAfterSeconds: number;
}

// Keys carry a hash, not the raw email or address, so Redis holds no personal data.
function key(limit: Limit, subject: string): string {
  const digest = createHash("sha256").update(subject.toLowerCase()).digest("base64url").slice(0, 22);
  return `${env().PYSTOL_QUEUE_PREFIX}:throttle:${limit.bucket}:${digest}`;
}

/** Counts one attempt against a fixed window; says whether it is allowed and when to retry. */
export async function hit(limit: Limit, subject: string): Promise<ThrottleResult> {
  const k = key(limit, subject);
  const redis = producerConnection();
  // One round trip: the window starts with the first attempt (EXPIRE NX, Redis 7) and the
  // others read how long it has left.
  const [[, count], , [, ttl]] = (await redis.multi().incr(k).expire(k, limit.windowSeconds, "NX").ttl(k).exec()) as [
    [null, number],
    [null, number],
    [null, number],
  ];
  const retry = ttl > 0 ? ttl : limit.windowSeconds;
  return { allowed: count <= limit.max, retryAfterSeconds: count <= limit.max ? 0 : retry };
}

/** Forgets the attempts of a subject (after a successful sign-in). */
export async function reset(limit: Limit, subject: string): Promise<void> {
  await producerConnection().del(key(limit, subject));
}

// Fixed windows: 10 sign-in attempts a minute from one address, 5 a minute for one email
// (whatever the address), 10 sign-ups an hour from one address.
export const SIGNIN_PER_IP: Limit = { bucket: "signin:ip", max: 10, windowSeconds: 60 };
export const SIGNIN_PER_EMAIL: Limit = { bucket: "signin:email", max: 5, windowSeconds: 60 };
export const SIGNUP_PER_IP: Limit = { bucket: "signup:ip", max: 10, windowSeconds: 3600 };

/** The message shown when a limit is hit, e.g. "Too many sign-in attempts. Try again in 42 seconds." */
export function throttleMessage(seconds: number, what: "sign-in" | "sign-up" | "connection test" = "sign-in"): string {
  return `Too many ${what} attempts. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`;
}
