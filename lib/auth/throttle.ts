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

/** How many attempts the subject has made in the current window, without counting one. */
export async function peek(limit: Limit, subject: string): Promise<number> {
  return Number((await producerConnection().get(key(limit, subject))) ?? 0);
}

function knownKey(account: string): string {
  const digest = createHash("sha256").update(account.toLowerCase()).digest("base64url").slice(0, 22);
  return `${env().PYSTOL_QUEUE_PREFIX}:throttle:known:${digest}`;
}

function addressDigest(address: string): string {
  return createHash("sha256").update(address).digest("base64url").slice(0, 22);
}

const KNOWN_ADDRESS_SECONDS = 90 * 24 * 3600;

/** Remembers that `address` signed in to `account` (for 90 days after the latest sign-in). */
export async function rememberAddress(account: string, address: string): Promise<void> {
  const k = knownKey(account);
  await producerConnection().multi().sadd(k, addressDigest(address)).expire(k, KNOWN_ADDRESS_SECONDS).exec();
}

/** Whether `address` has signed in to `account` before. */
export async function isKnownAddress(account: string, address: string): Promise<boolean> {
  return (await producerConnection().sismember(knownKey(account), addressDigest(address))) === 1;
}

// Sign-in is limited three ways, so that guessing is slow and no stranger can lock the owner
// out (a limit on the account alone, from every address, would let anyone do that):
// - one address: 10 attempts a minute, whatever the accounts (refused);
// - one account from one address: 5 attempts in 15 minutes (refused; the owner at another
//   address is not affected, and a correct password resets the count);
// - one account from every address: past 50 failures in an hour the account is under attack;
//   addresses that have signed in to it before go on as usual, every other address is answered
//   only after a delay (never refused: the owner on a new network still gets in).
export const SIGNIN_PER_IP: Limit = { bucket: "signin:ip", max: 10, windowSeconds: 60 };
export const SIGNIN_PER_ACCOUNT_IP: Limit = { bucket: "signin:account-ip", max: 5, windowSeconds: 900 };
export const SIGNIN_ACCOUNT_FAILURES: Limit = { bucket: "signin:account-failures", max: 50, windowSeconds: 3600 };
export const SIGNIN_SLOWDOWN_MS = 3_000;
export const SIGNUP_PER_IP: Limit = { bucket: "signup:ip", max: 10, windowSeconds: 3600 };
// Mail that anyone can make the service send to an address (sign-up, keeping a trial): 3 an
// hour per address, so the forms cannot flood someone's inbox. Past that the answer stays the
// same and no mail goes out.
export const ACCOUNT_MAIL_PER_EMAIL: Limit = { bucket: "account-mail:email", max: 3, windowSeconds: 3600 };
// Reset mails: 5 requests an hour from one address, 3 an hour for one email.
export const RESET_PER_IP: Limit = { bucket: "reset:ip", max: 5, windowSeconds: 3600 };
export const RESET_PER_EMAIL: Limit = { bucket: "reset:email", max: 3, windowSeconds: 3600 };

/** The message shown when a limit is hit, e.g. "Too many sign-in attempts. Try again in 42 seconds." */
export function throttleMessage(
  seconds: number,
  what: "sign-in" | "sign-up" | "connection test" | "password reset" = "sign-in",
): string {
  return `Too many ${what} attempts. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`;
}
