import { z } from "zod";
import { auditActor, recordAudit } from "@/lib/audit";
import { open, seal, sealedKeyId } from "@/lib/crypto";
import { db, type WebhookEndpoint } from "@/lib/db";
import type { AddressPolicy, Resolver } from "@/lib/kube";
import { scoped, type TeamContext } from "@/lib/tenancy";
import { describeIssues } from "@/lib/validation";
import { checkEndpointUrl } from "./check-url";
import { WebhookError } from "./errors";
import { WEBHOOK_EVENTS, WEBHOOK_FORMATS, type WebhookEvent, type WebhookFormat } from "./events";
import { ensureWebhookSecret } from "./secret";
import { webhookAddressPolicy } from "./settings";

/** The secret-box purpose of an endpoint's URL (a Slack webhook URL is a credential). */
export const WEBHOOK_URL_CONTEXT = "pystol:webhook-url:v1";

const fields = {
  name: z.string().trim().min(1, "Give the endpoint a name.").max(60, "Keep the name under 60 characters."),
  url: z.string().trim().min(1, "Enter the URL to send to.").max(2048, "The URL is too long (2,048 characters at most)."),
  events: z
    .array(z.enum(WEBHOOK_EVENTS, { error: `Events are ${WEBHOOK_EVENTS.join(", ")}.` }), { error: "Choose at least one event." })
    .min(1, "Choose at least one event.")
    .max(WEBHOOK_EVENTS.length, "Each event once."),
  format: z.enum(WEBHOOK_FORMATS, { error: "The format is generic (signed JSON) or slack." }),
  scoreDropPoints: z.coerce
    .number({ error: "Enter a whole number of points." })
    .int("Enter a whole number of points.")
    .min(1, "At least 1 point.")
    .max(100, "At most 100 points."),
  enabled: z.boolean({ error: "enabled is true or false." }),
};

/** A new endpoint as the form and the API give it. */
export const webhookInputSchema = z.strictObject({
  name: fields.name,
  url: fields.url,
  events: fields.events.refine((e) => new Set(e).size === e.length, "Each event once."),
  format: fields.format.default("generic"),
  scoreDropPoints: fields.scoreDropPoints.default(10),
  enabled: fields.enabled.default(true),
});
export type WebhookInput = z.input<typeof webhookInputSchema>;

/** An edit: any of the fields; an absent url keeps the stored one. */
export const webhookUpdateSchema = z.strictObject({
  name: fields.name.optional(),
  url: fields.url.optional(),
  events: fields.events.optional(),
  format: fields.format.optional(),
  scoreDropPoints: fields.scoreDropPoints.optional(),
  enabled: fields.enabled.optional(),
});
export type WebhookUpdate = z.input<typeof webhookUpdateSchema>;

/** What the page and the API show of an endpoint: the host, never the full URL. */
export interface WebhookSummary {
  id: string;
  name: string;
  host: string;
  events: WebhookEvent[];
  format: WebhookFormat;
  scoreDropPoints: number;
  enabled: boolean;
  createdAt: string;
  lastDelivery: { id: string; event: string; status: string; responseCode: number | null; createdAt: string } | null;
}

export interface SaveOptions {
  policy?: AddressPolicy;
  resolve?: Resolver;
}

function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const errors: Record<string, string> = {};
  // Each field's first problem as the form shows it beside the field; the whole as one text.
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? "");
    errors[key] ??= key && issue.path.length === 1 ? (/[.!?]$/.test(issue.message) ? issue.message : `${issue.message}.`) : describeIssues([issue]);
  }
  throw new WebhookError("invalid", Object.values(errors).join(" "), errors);
}

function refuseTrial(ctx: TeamContext): void {
  if (ctx.team.isTrial) throw new WebhookError("trial", "Trial teams cannot send webhooks; create an account to be notified.");
}

async function sealUrl(url: string, opts: SaveOptions) {
  const problem = await checkEndpointUrl(url, opts.policy ?? webhookAddressPolicy(), opts.resolve);
  if (problem) throw new WebhookError("invalid", problem, { url: problem });
  const ciphertext = seal(url, { context: WEBHOOK_URL_CONTEXT });
  return { urlCiphertext: new Uint8Array(ciphertext), urlKeyId: sealedKeyId(ciphertext), urlHost: new URL(url).host };
}

/** An endpoint's URL in clear: for delivery only. */
export function endpointUrl(e: Pick<WebhookEndpoint, "urlCiphertext">): string {
  return open(e.urlCiphertext, { context: WEBHOOK_URL_CONTEXT }).toString("utf8");
}

const eventsOf = (e: string[]): WebhookEvent[] => e.filter((x): x is WebhookEvent => (WEBHOOK_EVENTS as readonly string[]).includes(x));
const formatOf = (f: string): WebhookFormat => (f === "slack" ? "slack" : "generic");
const auditData = (e: WebhookEndpoint) => ({ name: e.name, host: e.urlHost, events: e.events, format: e.format, scoreDropPoints: e.scoreDropPoints, enabled: e.enabled });

/**
 * Adds an endpoint (owners and admins; not trial teams). The team's signing secret is made with
 * its first endpoint and returned here once (`secret`), null when the team had one.
 */
export async function createWebhook(ctx: TeamContext, input: WebhookInput | Record<string, unknown>, opts: SaveOptions = {}): Promise<{ endpoint: WebhookSummary; secret: string | null }> {
  refuseTrial(ctx);
  const v = parseOrThrow(webhookInputSchema, input);
  const sealed = await sealUrl(v.url, opts);
  const row = await db.$transaction(async (tx) => {
    const e = await tx.webhookEndpoint.create({
      data: { teamId: scoped(ctx).teamId, name: v.name, events: v.events, format: v.format, scoreDropPoints: v.scoreDropPoints, enabled: v.enabled, createdById: ctx.user?.id ?? null, ...sealed },
    });
    await recordAudit({ action: "webhook.created", ...auditActor(ctx), targetType: "webhook", targetId: e.id, data: auditData(e) }, tx);
    return e;
  });
  const secret = await ensureWebhookSecret(ctx);
  return { endpoint: await getWebhook(ctx, row.id), secret };
}

async function findOwn(ctx: TeamContext, id: string): Promise<WebhookEndpoint> {
  const e = await db.webhookEndpoint.findFirst({ where: { ...scoped(ctx), id } });
  if (!e) throw new WebhookError("not-found", "No such webhook endpoint in this team.");
  return e;
}

/** Edits an endpoint; a new URL is checked as on creation. */
export async function updateWebhook(ctx: TeamContext, id: string, input: WebhookUpdate | Record<string, unknown>, opts: SaveOptions = {}): Promise<WebhookSummary> {
  refuseTrial(ctx);
  const v = parseOrThrow(webhookUpdateSchema, input);
  const before = await findOwn(ctx, id);
  const sealed = v.url ? await sealUrl(v.url, opts) : {};
  await db.$transaction(async (tx) => {
    const after = await tx.webhookEndpoint.update({
      where: { id: before.id },
      data: { name: v.name, events: v.events, format: v.format, scoreDropPoints: v.scoreDropPoints, enabled: v.enabled, ...sealed },
    });
    await recordAudit({ action: "webhook.updated", ...auditActor(ctx), targetType: "webhook", targetId: before.id, data: { before: auditData(before), after: auditData(after) } }, tx);
  });
  return getWebhook(ctx, before.id);
}

/** Deletes an endpoint and its delivery log; deliveries still queued are dropped by the worker. */
export async function deleteWebhook(ctx: TeamContext, id: string): Promise<void> {
  const e = await findOwn(ctx, id);
  await db.$transaction(async (tx) => {
    await tx.webhookEndpoint.delete({ where: { id: e.id } });
    await recordAudit({ action: "webhook.deleted", ...auditActor(ctx), targetType: "webhook", targetId: e.id, data: auditData(e) }, tx);
  });
}

const listSelect = {
  id: true,
  name: true,
  urlHost: true,
  events: true,
  format: true,
  scoreDropPoints: true,
  enabled: true,
  createdAt: true,
  deliveries: { orderBy: { createdAt: "desc" }, take: 1, select: { id: true, event: true, status: true, responseCode: true, createdAt: true } },
} as const;

type Listed = Awaited<ReturnType<typeof db.webhookEndpoint.findMany<{ select: typeof listSelect }>>>[number];

function summaryOf(e: Listed): WebhookSummary {
  const last = e.deliveries[0];
  return {
    id: e.id,
    name: e.name,
    host: e.urlHost,
    events: eventsOf(e.events),
    format: formatOf(e.format),
    scoreDropPoints: e.scoreDropPoints,
    enabled: e.enabled,
    createdAt: e.createdAt.toISOString(),
    lastDelivery: last ? { id: last.id, event: last.event, status: last.status, responseCode: last.responseCode, createdAt: last.createdAt.toISOString() } : null,
  };
}

/** The team's endpoints, oldest first, each with its last delivery. */
export async function listWebhooks(ctx: TeamContext): Promise<WebhookSummary[]> {
  const rows = await db.webhookEndpoint.findMany({ where: scoped(ctx), select: listSelect, orderBy: { createdAt: "asc" } });
  return rows.map(summaryOf);
}

export async function getWebhook(ctx: TeamContext, id: string): Promise<WebhookSummary> {
  const row = await db.webhookEndpoint.findFirst({ where: { ...scoped(ctx), id }, select: listSelect });
  if (!row) throw new WebhookError("not-found", "No such webhook endpoint in this team.");
  return summaryOf(row);
}

export { findOwn as findOwnWebhook };
