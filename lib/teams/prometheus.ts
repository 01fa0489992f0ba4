import { z } from "zod";
import { auditActor, recordAudit } from "@/lib/audit";
import { evaluateCheck, parseCheck, prometheusConnectionSchema, type PrometheusConnection } from "@/lib/checks";
import { open, seal, sealedKeyId } from "@/lib/crypto";
import { db } from "@/lib/db";
import { addressPolicyFromEnv, type AddressPolicy, type Resolver } from "@/lib/kube";
import { scoped, type TeamContext } from "@/lib/tenancy";

// The team's Prometheus, where PromQL checks of its experiments are asked: { url, bearerToken? }
// sealed as kubeconfigs are (AES-256-GCM, the key id beside it, a purpose of its own), the host
// alone readable for the settings page. The token never leaves this file in clear text except
// towards Prometheus itself.

/** The secret-box purpose of a stored Prometheus connection; nothing sealed for another purpose opens as one. */
export const PROMETHEUS_SEAL_CONTEXT = "pystol:prometheus:v1";

/** A connection that cannot be stored, with the form field it is about; the message is for the person. */
export class PrometheusConnectionError extends Error {
  constructor(
    message: string,
    readonly field: "url" | "bearerToken",
  ) {
    super(message);
    this.name = "PrometheusConnectionError";
  }
}

/** What the settings page may show: never the token, only whether there is one. */
export interface PrometheusSummary {
  host: string;
  hasToken: boolean;
}

/** The outcome of "Test connection", as one sentence for the person. */
export interface PrometheusTest {
  ok: boolean;
  message: string;
}

/** The Team columns that store a validated connection: sealed, the key id beside it, the host readable. */
export function sealPrometheus(conn: PrometheusConnection): { prometheusCiphertext: Uint8Array<ArrayBuffer>; prometheusKeyId: string; prometheusHost: string } {
  const clean = prometheusConnectionSchema.parse(conn);
  const ciphertext = seal(JSON.stringify(clean), { context: PROMETHEUS_SEAL_CONTEXT });
  return { prometheusCiphertext: new Uint8Array(ciphertext), prometheusKeyId: sealedKeyId(ciphertext), prometheusHost: new URL(clean.url).host };
}

/** Opens and re-validates a stored connection (null for none); throws without revealing its content. */
export function openPrometheus(ciphertext: Uint8Array | null): PrometheusConnection | null {
  if (!ciphertext) return null;
  const json = open(ciphertext, { context: PROMETHEUS_SEAL_CONTEXT }).toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    // JSON.parse quotes its input in the message; the input holds a credential.
    throw new Error("the stored Prometheus connection is not valid JSON");
  }
  const parsed = prometheusConnectionSchema.safeParse(value);
  if (!parsed.success) throw new Error("the stored Prometheus connection does not have the expected shape");
  return parsed.data;
}

/** The team's Prometheus connection (for the experiment engine's checks), or null when none is set. */
export async function prometheusOf(teamId: string): Promise<PrometheusConnection | null> {
  const team = await db.team.findUnique({ where: { id: teamId }, select: { prometheusCiphertext: true } });
  return openPrometheus(team?.prometheusCiphertext ?? null);
}

/** What the team's settings show of its Prometheus, or null. */
export async function prometheusSummary(ctx: TeamContext): Promise<PrometheusSummary | null> {
  const conn = await prometheusOf(scoped(ctx).teamId);
  if (!conn) return null;
  return { host: new URL(conn.url).host, hasToken: Boolean(conn.bearerToken) };
}

// A test is one PromQL query every Prometheus answers without data: it proves the address, the
// TLS, the token and the query API, and reads nothing of the team's metrics.
const PROBE = parseCheck({ name: "Prometheus", type: "prometheus", query: "vector(1)", op: "==", threshold: 1 });

/**
 * Asks the Prometheus `vector(1)` through lib/checks' Prometheus path (the address guard, the
 * bearer token only over https unless the operator allows http), and says what happened.
 */
export async function testPrometheus(
  conn: PrometheusConnection,
  options: { policy?: AddressPolicy; resolve?: Resolver; timeoutMs?: number } = {},
): Promise<PrometheusTest> {
  if (!PROBE.ok) throw new Error("the probe query is not a valid check");
  const url = new URL(conn.url);
  const host = url.host;
  const policy = options.policy ?? addressPolicyFromEnv();
  if (conn.bearerToken && url.protocol === "http:" && !policy.allowHttp) {
    return { ok: false, message: `Prometheus at ${host} was not asked: a bearer token is only sent over https://. Use the https:// address, or remove the token.` };
  }
  const result = await evaluateCheck(
    {
      prometheus: conn,
      policy,
      ...(options.resolve ? { resolve: options.resolve } : {}),
      timeoutMs: options.timeoutMs ?? 5000,
    },
    PROBE.check,
  );
  if (result.outcome === "pass") {
    return { ok: true, message: `Prometheus at ${host} answered the query vector(1) in ${Math.round(result.durationMs)} ms.` };
  }
  // observed reads "Prometheus: <why>." — the check's own name first.
  const why = result.observed.replace(/^Prometheus: /, "");
  return { ok: false, message: `Prometheus at ${host} could not be used: ${why.charAt(0).toUpperCase()}${why.slice(1)}` };
}

/** The form's input: a URL and a token, empty when there is none (or, on replace, to keep the stored one). */
export const prometheusFormSchema = z.object({
  url: z.string().trim(),
  bearerToken: z.string().trim().max(8192).optional(),
  keepToken: z.boolean().default(false),
});

/**
 * Validates the typed connection: the URL and token with lib/checks' schema. `keepToken` reuses
 * the stored token when the field was left empty on replace, so nobody has to paste it again.
 */
export async function connectionFromForm(ctx: TeamContext, input: z.input<typeof prometheusFormSchema>): Promise<PrometheusConnection> {
  const form = prometheusFormSchema.parse(input);
  let bearerToken = form.bearerToken || undefined;
  if (!bearerToken && form.keepToken) {
    const stored = await prometheusOf(scoped(ctx).teamId);
    if (stored && stored.bearerToken && new URL(stored.url).host === safeHost(form.url)) bearerToken = stored.bearerToken;
  }
  const parsed = prometheusConnectionSchema.safeParse({ url: form.url, ...(bearerToken ? { bearerToken } : {}) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PrometheusConnectionError(issue.message, issue.path[0] === "bearerToken" ? "bearerToken" : "url");
  }
  return parsed.data;
}

function safeHost(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

/**
 * Sets (or replaces) the team's Prometheus after a test that passed: a connection the guard
 * refuses or that does not answer is not stored. Audited with the host and whether a token is set.
 */
export async function setPrometheus(
  ctx: TeamContext,
  conn: PrometheusConnection,
  options: { policy?: AddressPolicy; resolve?: Resolver } = {},
): Promise<PrometheusTest> {
  const test = await testPrometheus(conn, options);
  if (!test.ok) throw new PrometheusConnectionError(`${test.message} Nothing was saved.`, "url");
  const columns = sealPrometheus(conn);
  const host = columns.prometheusHost;
  await db.$transaction(async (tx) => {
    const where = { id: scoped(ctx).teamId };
    const before = await tx.team.findUniqueOrThrow({ where, select: { prometheusHost: true } });
    await tx.team.update({ where, data: columns });
    await recordAudit(
      {
        action: before.prometheusHost ? "team.prometheus.replaced" : "team.prometheus.set",
        ...auditActor(ctx),
        targetType: "team",
        targetId: ctx.team.id,
        data: { host, token: conn.bearerToken ? "set" : "none", ...(before.prometheusHost ? { from: before.prometheusHost } : {}) },
      },
      tx,
    );
  });
  return test;
}

/** Removes the team's Prometheus; its PromQL checks then end in error ("no Prometheus is configured"). */
export async function removePrometheus(ctx: TeamContext): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const where = { id: scoped(ctx).teamId };
    const before = await tx.team.findUniqueOrThrow({ where, select: { prometheusHost: true, prometheusCiphertext: true } });
    if (!before.prometheusCiphertext) return false;
    await tx.team.update({ where, data: { prometheusCiphertext: null, prometheusKeyId: null, prometheusHost: null } });
    await recordAudit(
      { action: "team.prometheus.removed", ...auditActor(ctx), targetType: "team", targetId: ctx.team.id, data: { host: before.prometheusHost ?? "" } },
      tx,
    );
    return true;
  });
}
