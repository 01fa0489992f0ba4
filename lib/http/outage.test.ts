import { describe, expect, it } from "vitest";
import { DependencyTimeoutError, outageOf, withinDeadline } from "./outage";

describe("outages", () => {
  it("tells Redis and PostgreSQL outages from other failures", () => {
    const redisGone = Object.assign(new Error("Reached the max retries per request limit (which is 1). Refer to \"maxRetriesPerRequest\" option for details."), { name: "MaxRetriesPerRequestError" });
    expect(outageOf(redisGone)).toBe("queue");
    expect(outageOf(new Error("Connection is closed."))).toBe("queue");
    const pgShutdown = Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01", severity: "FATAL" });
    expect(outageOf(pgShutdown)).toBe("database");
    expect(outageOf(new Error("wrapped", { cause: new DependencyTimeoutError("database", 100) }))).toBe("database");
    // A cluster's API server that refuses connections is that cluster's problem (502), not ours.
    const clusterDown = Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:6443"), { code: "ECONNREFUSED" });
    expect(outageOf(clusterDown)).toBeNull();
    expect(outageOf(new Error("boom"))).toBeNull();
    expect(outageOf(undefined)).toBeNull();
  });

  it("tells PostgreSQL going away from the errors the soak saw answered 500", () => {
    // node-pg, when the server closes the connection mid-query (a restart): no code at all.
    expect(outageOf(new Error("Connection terminated unexpectedly"))).toBe("database");
    // Prisma naming the server's SQLSTATE only in its message (shutting down, starting up).
    const known = (message: string) => Object.assign(new Error(message), { name: "PrismaClientKnownRequestError", code: "P2010", meta: {} });
    expect(outageOf(known("\nInvalid `prisma.team.findFirst()` invocation:\n\n\nDatabase error. Code: `57P01`. Message: `terminating connection due to administrator command`"))).toBe("database");
    expect(outageOf(known("\nInvalid `prisma.cluster.updateMany()` invocation:\n\n\nCan't reach database server at 127.0.0.1:41332"))).toBe("database");
    // A query that is wrong stays a bug (500), not an outage.
    expect(outageOf(known("Database error. Code: `42P01`. Message: `relation \"x\" does not exist`"))).toBeNull();
    expect(outageOf(new Error("Connection terminated by the cluster's API server"))).toBeNull();
  });

  it("bounds a wait on a dependency", async () => {
    await expect(withinDeadline("queue", 20, new Promise(() => undefined))).rejects.toThrow("Redis did not answer within 20 ms");
    await expect(withinDeadline("queue", 1000, Promise.resolve(7))).resolves.toBe(7);
  });
});
