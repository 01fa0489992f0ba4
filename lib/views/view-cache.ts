import { env } from "@/lib/env";
import { KubeAccessError, type KubeAccessCode } from "@/lib/kube";
import { producerConnection } from "@/lib/queue";

// A short-lived cache of what the cluster views read, shared by every web process through
// Redis, so that many people looking at one cluster cost about one LIST per resource per
// period instead of one per page view:
// - fresh for `freshMs`: served as is;
// - stale up to `staleMs`: served at once while one process refreshes it in the background
//   (stale-while-revalidate);
// - missing: one process (a Redis lock) fetches, the others wait for its answer (single-flight).
// Failures are kept for a few seconds too, so an unreachable cluster is not asked by every view.

export interface ViewError {
  code: KubeAccessCode;
  message: string;
}

/** What a view gets: the data or the reason it has none, and when it was read from the cluster. */
export type Cached<T> = { at: number; data: T; error?: undefined } | { at: number; data?: undefined; error: ViewError };

export interface CacheOptions {
  freshMs?: number;
  staleMs?: number;
  /** Refresh now (the page's "Refresh" button); still one fetch when many ask at once. */
  force?: boolean;
}

const DEFAULT_FRESH_MS = 10_000;
const DEFAULT_STALE_MS = 120_000;
const ERROR_MS = 5_000;
const LOCK_MS = 60_000;
const WAIT_STEP_MS = 40;

// Parsed copies of what this process last read, by key and stamp: a large summary is parsed
// once per refresh, not once per view.
const memo = new Map<string, { stamp: string; value: Cached<unknown> }>();
const inflight = new Map<string, Promise<Cached<unknown>>>();
// Reads of the cluster this process is making: a slow read (100,000 pods on a busy machine)
// may outlive its Redis lock, and must not be started a second time here meanwhile.
const refreshing = new Map<string, Promise<Cached<unknown>>>();

function refreshOnce<T>(full: string, lock: string, fetcher: () => Promise<T>, staleMs: number): Promise<Cached<T>> {
  const running = refreshing.get(full);
  if (running) return running as Promise<Cached<T>>;
  const p = fetchAndStore(full, lock, fetcher, staleMs).finally(() => refreshing.delete(full));
  refreshing.set(full, p);
  return p;
}

const redisKey = (clusterId: string, key: string) => `${env().PYSTOL_QUEUE_PREFIX}:views:${clusterId}:${key}`;

function toViewError(err: unknown): ViewError {
  if (err instanceof KubeAccessError) return { code: err.code, message: err.message };
  // Anything else (the sandbox's admin interface gone, a stored credential that no longer
  // opens) is reported without its detail, which may name internal addresses.
  return { code: "unreachable", message: "Pystol could not open a connection to this cluster." };
}

async function readStored<T>(full: string): Promise<Cached<T> | undefined> {
  const redis = producerConnection();
  // The value is "<stamp>\n<json>": the stamp alone tells whether the memo is current.
  const head = await redis.getrange(full, 0, 31);
  if (!head) return undefined;
  const stamp = head.split("\n", 1)[0]!;
  const known = memo.get(full);
  if (known && known.stamp === stamp) return known.value as Cached<T>;
  const text = await redis.get(full);
  if (!text) return undefined;
  const nl = text.indexOf("\n");
  const value = JSON.parse(text.slice(nl + 1)) as Cached<T>;
  memo.set(full, { stamp: text.slice(0, nl), value });
  return value;
}

async function fetchAndStore<T>(full: string, lock: string, fetcher: () => Promise<T>, staleMs: number): Promise<Cached<T>> {
  const redis = producerConnection();
  let value: Cached<T>;
  try {
    value = { at: Date.now(), data: await fetcher() };
  } catch (err) {
    value = { at: Date.now(), error: toViewError(err) };
  }
  const stamp = `${value.at}.${Math.random().toString(36).slice(2, 8)}`;
  const ttl = value.error ? ERROR_MS : staleMs;
  try {
    // One round trip: the value, then the lock released.
    await redis.multi().set(full, `${stamp}\n${JSON.stringify(value)}`, "PX", ttl).del(lock).exec();
    memo.set(full, { stamp, value });
  } catch {
    // Redis away: the view still gets its answer, uncached.
  }
  return value;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function read<T>(clusterId: string, key: string, fetcher: () => Promise<T>, opts: CacheOptions): Promise<Cached<T>> {
  const freshMs = opts.freshMs ?? DEFAULT_FRESH_MS;
  const staleMs = opts.staleMs ?? DEFAULT_STALE_MS;
  const full = redisKey(clusterId, key);
  const lock = `${full}:lock`;
  const redis = producerConnection();
  const takeLock = async () => (await redis.set(lock, "1", "PX", LOCK_MS, "NX")) === "OK";
  const deadline = Date.now() + LOCK_MS;

  let stored: Cached<T> | undefined;
  try {
    stored = await readStored<T>(full);
  } catch {
    return fetchAndStore(full, lock, fetcher, staleMs);
  }
  const age = stored ? Date.now() - stored.at : Infinity;
  const freshFor = stored?.error ? ERROR_MS : freshMs;
  if (stored && age < freshFor && !opts.force) return stored;

  if (stored && !opts.force) {
    // Stale: answer now; whoever takes the lock refreshes for everyone.
    if (!refreshing.has(full) && (await takeLock())) void refreshOnce(full, lock, fetcher, staleMs);
    return stored;
  }
  const since = opts.force ? Date.now() : 0;
  for (;;) {
    if (refreshing.has(full) || (await takeLock())) return refreshOnce(full, lock, fetcher, staleMs);
    // Someone else is fetching: wait for its answer rather than asking the cluster again.
    await sleep(WAIT_STEP_MS);
    const now = await readStored<T>(full);
    if (now && now.at >= since && (opts.force || Date.now() - now.at < (now.error ? ERROR_MS : freshMs))) return now;
    if (Date.now() > deadline) return refreshOnce(full, lock, fetcher, staleMs);
  }
}

/**
 * Reads `key` of a cluster's views through the shared cache, calling `fetcher` (which reads
 * the cluster) at most once per period across all processes. Never throws for cluster
 * failures: they come back as `error` with a message safe to show.
 */
export function cachedView<T>(clusterId: string, key: string, fetcher: () => Promise<T>, opts: CacheOptions = {}): Promise<Cached<T>> {
  const full = redisKey(clusterId, key);
  const running = inflight.get(full);
  if (running) return running as Promise<Cached<T>>;
  const p = read(clusterId, key, fetcher, opts).finally(() => inflight.delete(full));
  inflight.set(full, p);
  return p;
}

/** Forgets this process's parsed copies (tests). */
export function forgetViewMemo(): void {
  memo.clear();
}
