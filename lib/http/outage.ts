// Which failures are an outage of a service the app depends on (PostgreSQL, Redis), rather
// than a fault of the request or a bug: those are answered 503 with Retry-After and a
// sentence, never 500 with a driver's internal text.

export type Outage = "database" | "queue";

/** The error a bounded wait on a dependency throws when it did not answer in time. */
export class DependencyTimeoutError extends Error {
  constructor(readonly dependency: Outage, ms: number) {
    super(`${dependency === "database" ? "PostgreSQL" : "Redis"} did not answer within ${ms} ms`);
  }
}

// Prisma's codes for a database it cannot reach or that went away mid-request.
const PRISMA_OUTAGE = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
// PostgreSQL's SQLSTATEs of a server shutting down, starting, or a broken connection.
const PG_OUTAGE = /^(57P0[1-3]|08\d{3}|53300)$/;
const REDIS_MESSAGES = /Connection is closed|Reached the max retries per request limit|Stream isn't writeable|enableOfflineQueue options is false/;
// What node-pg and Prisma say when PostgreSQL goes away mid-query or is starting again, seen
// in the soak (scripts/soak.ts) on errors that carry no code the checks below read: pg's own
// "Connection terminated unexpectedly", and Prisma's message naming the server's SQLSTATE.
const PG_MESSAGES = /Connection terminated unexpectedly|Connection terminated due to connection timeout|Can't reach database server|Code: `(57P0[1-3]|08\d{3}|53300)`/;

function fieldOf(err: unknown, key: string): unknown {
  return typeof err === "object" && err !== null ? (err as Record<string, unknown>)[key] : undefined;
}

/** The dependency whose outage this error is, or null for any other error. */
export function outageOf(err: unknown): Outage | null {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = fieldOf(e, "cause"), depth++) {
    if (e instanceof DependencyTimeoutError) return e.dependency;
    const name = String(fieldOf(e, "name") ?? fieldOf(fieldOf(e, "constructor"), "name") ?? "");
    const code = String(fieldOf(e, "code") ?? "");
    if (name.startsWith("PrismaClient")) {
      if (PRISMA_OUTAGE.has(code) || name === "PrismaClientInitializationError") return "database";
      const adapter = fieldOf(fieldOf(e, "meta"), "driverAdapterError");
      const kind = String(fieldOf(fieldOf(adapter, "cause"), "kind") ?? "");
      const original = String(fieldOf(fieldOf(adapter, "cause"), "originalCode") ?? "");
      if (kind === "DatabaseNotReachable" || kind === "ConnectionClosed" || kind === "SocketTimeout" || PG_OUTAGE.test(original)) return "database";
      if (PG_MESSAGES.test(String(fieldOf(e, "message") ?? ""))) return "database";
      continue;
    }
    if (name === "MaxRetriesPerRequestError" || REDIS_MESSAGES.test(String(fieldOf(e, "message") ?? ""))) return "queue";
    if (/^Connection terminated (unexpectedly|due to connection timeout)$/.test(String(fieldOf(e, "message") ?? ""))) return "database";
    // A bare network error (ECONNREFUSED) is not judged here: from a cluster's API server it
    // is that cluster being unreachable (502), not an outage of this service.
    if (PG_OUTAGE.test(code) && fieldOf(e, "severity") !== undefined) return "database";
  }
  return null;
}

/** How long clients are asked to wait before trying again. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

/** The sentence for people and API clients. */
export function outageMessage(outage: Outage): string {
  const what = outage === "database" ? "its database" : "its queue";
  return `The service is briefly unavailable: ${what} is not answering. Nothing was started or changed; try again in a few seconds.`;
}

/** The API's answer to an outage: 503, Retry-After, and the sentence in the API's error shape. */
export function outageResponse(outage: Outage): Response {
  return Response.json(
    { error: { code: "unavailable", message: outageMessage(outage) } },
    { status: 503, headers: { "retry-after": String(OUTAGE_RETRY_AFTER_SECONDS) } },
  );
}

/** Races a promise against a deadline; past it, DependencyTimeoutError (the work may still finish). */
export async function withinDeadline<T>(dependency: Outage, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DependencyTimeoutError(dependency, ms)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
