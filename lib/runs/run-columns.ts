import { Prisma } from "@/lib/db";

/**
 * The columns of a Run row, for raw statements that return whole runs: named rather than `*`,
 * since statements are prepared once per connection (lib/db) and PostgreSQL refuses to run a
 * prepared `*` whose columns changed under it (a migration adding one while workers run).
 * Taken from the schema, so a column added there is returned here too.
 */
const RUN_COLUMNS = Object.values(Prisma.RunScalarFieldEnum);

export const runColumns = (alias: string) => Prisma.raw(RUN_COLUMNS.map((c) => (alias ? `${alias}."${c}"` : `"${c}"`)).join(", "));
