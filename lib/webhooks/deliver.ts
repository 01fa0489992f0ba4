import { UnrecoverableError } from "bullmq";
import { db } from "@/lib/db";
import { guardedFetch, GuardedFetchError, type AddressPolicy, type Resolver } from "@/lib/kube";
import { endpointUrl } from "./endpoints";
import { TEST_EVENT } from "./events";
import { webhookSecretOf } from "./secret";
import { webhookAddressPolicy, webhookSettings } from "./settings";
import { SIGNATURE_HEADER, signatureHeader } from "./sign";

/** Bytes of an answer's body kept in the delivery log. */
export const RESPONSE_BODY_LIMIT = 1024;

export interface DeliverOptions {
  /** 1 for the first attempt. */
  attempt: number;
  maxAttempts: number;
  policy?: AddressPolicy;
  resolve?: Resolver;
  timeoutMs?: number;
}

export type DeliverOutcome = { status: "delivered" | "retrying" | "failed" | "dropped"; responseCode: number | null; error: string | null };

// Refusals that another attempt cannot change: the address guard, a URL that is not allowed.
const FINAL_FETCH_CODES = new Set(["refused", "invalid-url"]);

/**
 * One attempt of one delivery: signs the stored body with the team's secret at this moment,
 * POSTs it through the guarded fetch (resolved address checked, no redirects, a deadline, the
 * answer's body cut at 1 KiB) and records the attempt on the delivery. A failure that may pass
 * throws, so the queue retries with back-off; a refusal of the address, or the last attempt,
 * throws UnrecoverableError. Neither the secret nor the URL is ever in a log line or the row.
 */
export async function deliverWebhook(deliveryId: string, opts: DeliverOptions): Promise<DeliverOutcome> {
  const d = await db.webhookDelivery.findUnique({ where: { id: deliveryId }, include: { endpoint: true } });
  // The endpoint (and with it the delivery) was deleted, or it is already done: nothing to send.
  if (!d) return { status: "dropped", responseCode: null, error: null };
  if (d.status === "delivered" || d.status === "failed") return { status: d.status, responseCode: d.responseCode, error: d.error };
  if (!d.endpoint.enabled && d.event !== TEST_EVENT) {
    return record(d.id, opts, { final: true, responseCode: null, latencyMs: null, error: "Not sent: the endpoint is paused.", responseBody: null });
  }
  const secret = await webhookSecretOf(d.teamId);
  if (!secret) return record(d.id, opts, { final: true, responseCode: null, latencyMs: null, error: "Not sent: the team has no signing secret.", responseBody: null });

  const s = webhookSettings();
  const timestamp = Math.floor(Date.now() / 1000);
  const started = performance.now();
  try {
    const res = await guardedFetch(endpointUrl(d.endpoint), {
      method: "POST",
      body: d.body,
      headers: {
        "content-type": "application/json",
        "user-agent": "Pystol-Webhooks/1",
        "pystol-event": d.event,
        "pystol-delivery": d.id,
        [SIGNATURE_HEADER.toLowerCase()]: signatureHeader(secret, timestamp, d.body),
      },
      timeoutMs: opts.timeoutMs ?? s.WEBHOOK_TIMEOUT_MS,
      maxBodyBytes: RESPONSE_BODY_LIMIT,
      policy: opts.policy ?? webhookAddressPolicy(),
      allowHttp: (opts.policy ?? webhookAddressPolicy()).allowHttp,
      ...(opts.resolve ? { resolve: opts.resolve } : {}),
    });
    const latencyMs = Math.round(performance.now() - started);
    const responseBody = res.body + (res.truncated ? "…" : "");
    if (res.status >= 200 && res.status < 300) return record(d.id, opts, { ok: true, final: true, responseCode: res.status, latencyMs, error: null, responseBody });
    const why = res.status >= 300 && res.status < 400 ? `The endpoint answered ${res.status} (a redirect, which is not followed).` : `The endpoint answered ${res.status}.`;
    return record(d.id, opts, { final: false, responseCode: res.status, latencyMs, error: why, responseBody });
  } catch (err) {
    if (err instanceof UnrecoverableError || (err instanceof Error && err.name === "DeliveryRetry")) throw err;
    const latencyMs = Math.round(performance.now() - started);
    const fe = err instanceof GuardedFetchError ? err : new GuardedFetchError("failed", "The request failed.");
    return record(d.id, opts, { final: FINAL_FETCH_CODES.has(fe.code), responseCode: null, latencyMs, error: `Not delivered: ${fe.message.replace("PYSTOL_KUBE_ALLOWED_CIDRS", "PYSTOL_WEBHOOK_ALLOWED_CIDRS")}`, responseBody: null });
  }
}

interface Attempt {
  ok?: boolean;
  /** No further attempt, whatever the count. */
  final: boolean;
  responseCode: number | null;
  latencyMs: number | null;
  error: string | null;
  responseBody: string | null;
}

// Records the attempt; throws for the queue to retry, or (UnrecoverableError) to stop after the
// last attempt or a refusal, so the job's own record says it failed too.
async function record(id: string, opts: DeliverOptions, a: Attempt): Promise<DeliverOutcome> {
  const last = a.final || opts.attempt >= opts.maxAttempts;
  const status = a.ok ? "delivered" : last ? "failed" : "retrying";
  const now = new Date();
  await db.webhookDelivery.updateMany({
    where: { id, status: { in: ["pending", "retrying"] } },
    data: {
      status,
      attempts: opts.attempt,
      responseCode: a.responseCode,
      latencyMs: a.latencyMs,
      error: a.error,
      responseBody: a.responseBody,
      lastAttemptAt: now,
      ...(a.ok ? { deliveredAt: now } : {}),
    },
  });
  if (status === "retrying") throw Object.assign(new Error(a.error ?? "delivery failed"), { name: "DeliveryRetry" });
  if (status === "failed") throw new UnrecoverableError(a.error ?? "not delivered");
  return { status, responseCode: a.responseCode, error: a.error };
}
