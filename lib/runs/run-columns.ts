import { Prisma } from "@/lib/db";

/**
 * The columns of a Run row, for raw statements that return whole runs. Named rather than `*`:
 * statements are prepared once per connection (lib/db), and PostgreSQL refuses to run a
 * prepared `*` whose columns changed under it (a migration adding one while workers run).
 */
export const runColumns = (alias: string) =>
  Prisma.raw(
    [
      "id", "teamId", "clusterId", "actionId", "params", "state", "dryRun", "plan", "result", "error", "progress", "createdById",
      "apiTokenId", "scheduleId", "workerId", "heartbeatAt", "attempt", "abortRequestedAt", "queuedAt", "startedAt", "finishedAt",
    ]
      .map((c) => (alias ? `${alias}."${c}"` : `"${c}"`))
      .join(", "),
  );
