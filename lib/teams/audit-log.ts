import { z } from "zod";
import { db, type Prisma } from "@/lib/db";
import { scoped, type TeamContext } from "@/lib/tenancy";

export const AUDIT_PAGE_SIZE = 50;

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)));

/**
 * The audit page's filters, read from the URL. A value that does not parse is dropped
 * rather than failing the page, so a hand-edited URL still shows the log.
 */
const filterSchema = z.object({
  who: z
    .string()
    .regex(/^[a-z0-9]{10,40}$/)
    .optional()
    .catch(undefined),
  what: z
    .string()
    .regex(/^[a-z_]+(\.[a-z_]+)*$/)
    .max(60)
    .optional()
    .catch(undefined),
  from: day.optional().catch(undefined),
  to: day.optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});
export type AuditFilter = z.infer<typeof filterSchema>;

/** Parses Next.js searchParams (a value may be repeated; the first one counts). */
export function parseAuditFilter(params: Record<string, string | string[] | undefined>): AuditFilter {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;
  return filterSchema.parse({
    who: first(params.who),
    what: first(params.what),
    from: first(params.from),
    to: first(params.to),
    page: first(params.page),
  });
}

/**
 * One page of the team's audit events, newest first. `what` matches an action exactly
 * ("member.removed") or a whole family by its first part ("member").
 */
export async function listAuditEvents(ctx: TeamContext, f: AuditFilter) {
  const at: Prisma.DateTimeFilter = {};
  if (f.from) at.gte = new Date(`${f.from}T00:00:00Z`);
  if (f.to) at.lt = new Date(Date.parse(`${f.to}T00:00:00Z`) + 24 * 60 * 60 * 1000);
  const where: Prisma.AuditEventWhereInput = {
    ...scoped(ctx),
    ...(f.who ? { actorUserId: f.who } : {}),
    ...(f.what ? (f.what.includes(".") ? { action: f.what } : { action: { startsWith: `${f.what}.` } }) : {}),
    ...(f.from || f.to ? { at } : {}),
  };
  const rows = await db.auditEvent.findMany({
    where,
    orderBy: [{ at: "desc" }, { id: "desc" }],
    skip: (f.page - 1) * AUDIT_PAGE_SIZE,
    take: AUDIT_PAGE_SIZE + 1,
    select: {
      id: true,
      action: true,
      at: true,
      ip: true,
      targetType: true,
      data: true,
      actorTokenId: true,
      actor: { select: { name: true, email: true } },
    },
  });
  return { events: rows.slice(0, AUDIT_PAGE_SIZE), hasNext: rows.length > AUDIT_PAGE_SIZE };
}

/** The choices for the filters: everyone who acted in the team, and every kind of event. */
export async function auditFilterChoices(ctx: TeamContext) {
  const [actors, actions] = await Promise.all([
    db.auditEvent.findMany({
      where: { ...scoped(ctx), actorUserId: { not: null } },
      distinct: ["actorUserId"],
      select: { actor: { select: { id: true, name: true, email: true } } },
    }),
    db.auditEvent.findMany({ where: scoped(ctx), distinct: ["action"], select: { action: true } }),
  ]);
  const people = actors
    .flatMap((a) => (a.actor ? [a.actor] : []))
    .sort((a, b) => a.name.localeCompare(b.name));
  const kinds = actions.map((a) => a.action).sort();
  const families = [...new Set(kinds.map((k) => k.split(".")[0]!))];
  return { people, kinds, families };
}
