import { z } from "zod";
import { RunState, type Prisma } from "@/lib/db";

export const PAGE_SIZE = 25;

const id = z.string().trim().min(1).max(64).optional().catch(undefined);
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)))
  .optional()
  .catch(undefined);

/** The Executed page's filters, read from the URL query; a malformed value is ignored, not an error. */
const filterSchema = z.object({
  cluster: id,
  action: id,
  outcome: z.enum(Object.values(RunState) as [RunState, ...RunState[]]).optional().catch(undefined),
  who: id,
  from: day,
  to: day,
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});
export type RunFilters = z.output<typeof filterSchema>;

export function parseRunFilters(query: Record<string, string | string[] | undefined>): RunFilters {
  const one = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  return filterSchema.parse(one);
}

/** The filters as a where clause; the caller adds the team scope. */
export function filterWhere(f: RunFilters): Prisma.RunWhereInput {
  const queuedAt: Prisma.DateTimeFilter = {};
  if (f.from) queuedAt.gte = new Date(`${f.from}T00:00:00Z`);
  // "to" is a whole day: runs queued before the next midnight.
  if (f.to) queuedAt.lt = new Date(new Date(`${f.to}T00:00:00Z`).getTime() + 24 * 3600 * 1000);
  return {
    ...(f.cluster ? { clusterId: f.cluster } : {}),
    ...(f.action ? { actionId: f.action } : {}),
    ...(f.outcome ? { state: f.outcome } : {}),
    ...(f.who ? { createdById: f.who } : {}),
    ...(f.from || f.to ? { queuedAt } : {}),
  };
}

/** The query string of these filters on another page (pagination links). */
export function filterQuery(f: RunFilters, page: number): string {
  const q = new URLSearchParams();
  for (const key of ["cluster", "action", "outcome", "who", "from", "to"] as const) {
    const v = f[key];
    if (v) q.set(key, v);
  }
  if (page > 1) q.set("page", String(page));
  const s = q.toString();
  return s ? `?${s}` : "";
}
