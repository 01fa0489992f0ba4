import {
  type AddressPolicy,
  GuardedFetchError,
  KubeAccessError,
  type KubeClient,
  type Resolver,
  guardedFetch,
} from "@/lib/kube";
import { evaluateKubernetes } from "./kubernetes";
import { evaluatePrometheus } from "./prometheus";
import { compileBodyPattern, MAX_MATCHED_BYTES } from "./safe-regex";
import type { CheckDefinition, HttpCheck, PrometheusConnection } from "./schema";
import { CheckError, type CheckResult, type Verdict } from "./result";
import { statusMatches } from "./status";

export type { CheckOutcome, CheckResult } from "./result";

/** What an evaluation may reach: the cluster's guarded client and, for PromQL, the team's Prometheus. */
export interface CheckContext {
  /** From `clientForCluster` (lib/clusters) or `createKubeClient` (lib/kube): the one way to a cluster. */
  client?: KubeClient;
  prometheus?: PrometheusConnection;
  /** Whole-evaluation deadline; default 5000 ms, at most 30000. */
  timeoutMs?: number;
  /** Address rules for public URLs and Prometheus; defaults to the kubeconfigs' (PYSTOL_KUBE_ALLOWED_CIDRS, PYSTOL_KUBE_ALLOW_HTTP). */
  policy?: AddressPolicy;
  resolve?: Resolver;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 5000;
const MAX_CHECK_TIMEOUT_MS = 30_000;
/** Bytes of a body kept for `bodyContains` / `bodyMatches`. */
export const MAX_BODY_BYTES = MAX_MATCHED_BYTES;

/**
 * Evaluates a validated check once. Never throws: an answer that misses the expectation is
 * "fail"; not getting an answer (unreachable, forbidden, not found, timeout, refused address,
 * malformed answer) is "error".
 */
export async function evaluateCheck(ctx: CheckContext, check: CheckDefinition): Promise<CheckResult> {
  const at = new Date();
  const started = performance.now();
  const timeoutMs = Math.min(Math.max(ctx.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS, 1), MAX_CHECK_TIMEOUT_MS);
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Verdict>((resolve) => {
    timer = setTimeout(() => {
      abort.abort();
      resolve({ outcome: "error", observed: `${check.name} did not finish within ${timeoutMs} ms.` });
    }, timeoutMs);
  });
  let verdict: Verdict;
  try {
    verdict = await Promise.race([run(ctx, check, timeoutMs, abort.signal), deadline]);
  } catch (err) {
    verdict = { outcome: "error", observed: `${check.name}: ${errorSentence(err)}` };
  } finally {
    clearTimeout(timer);
  }
  return { ...verdict, durationMs: Math.round((performance.now() - started) * 10) / 10, at };
}

function run(
  ctx: CheckContext,
  check: CheckDefinition,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Verdict> {
  switch (check.type) {
    case "http":
      return evaluateHttp(ctx, check, timeoutMs, signal);
    case "kubernetes":
      return evaluateKubernetes(needClient(ctx), check);
    case "prometheus":
      if (!ctx.prometheus) throw new CheckError("no Prometheus is configured for this team.");
      return evaluatePrometheus(ctx.prometheus, check, {
        timeoutMs,
        policy: ctx.policy,
        resolve: ctx.resolve,
      });
  }
}

function needClient(ctx: CheckContext): KubeClient {
  if (!ctx.client) throw new CheckError("no cluster is connected to evaluate it on.");
  return ctx.client;
}

/** A sentence for a failure to get an answer, from the guarded client's or fetch's safe messages. */
export function errorSentence(err: unknown): string {
  if (err instanceof CheckError) return err.message;
  if (err instanceof KubeAccessError) {
    if (err.code === "forbidden") return `the cluster's credentials are not allowed to read this (403).`;
    return lowerFirst(err.message);
  }
  if (err instanceof GuardedFetchError) return lowerFirst(err.message);
  return "the evaluation failed unexpectedly.";
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

// --- HTTP ---------------------------------------------------------------------------------

interface Answer {
  status: number;
  body: string;
  ms: number;
  /** The API server's own refusal (a Status object), not the backend's answer. */
  apiStatus?: { reason?: string; message?: string };
}

async function evaluateHttp(
  ctx: CheckContext,
  check: HttpCheck,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Verdict> {
  const t = check.target;
  const started = performance.now();
  let answer: Answer;
  if (t.kind === "service") {
    const client = needClient(ctx);
    const res = await client.raw.request(proxyPath(t.namespace, t.service, t.port, t.path), {
      method: t.method,
      maxBodyBytes: MAX_BODY_BYTES,
      signal,
    });
    const ms = performance.now() - started;
    const apiStatus = apiServerStatus(res.headers, res.body);
    if (apiStatus && (res.status === 401 || res.status === 403)) {
      throw new CheckError(
        `the cluster's credentials are not allowed to reach service ${t.namespace}/${t.service} (${res.status}).`,
      );
    }
    if (apiStatus && res.status === 404) {
      throw new CheckError(
        `service ${t.namespace}/${t.service} was not found (404 from the API server${apiStatus.message ? `: ${apiStatus.message}` : ""}).`,
      );
    }
    if (apiStatus && (res.status === 400 || res.status === 301)) {
      throw new CheckError(
        `the API server refused the proxy request (${res.status}${apiStatus.message ? `: ${apiStatus.message}` : ""}).`,
      );
    }
    answer = { status: res.status, body: res.body, ms, ...(apiStatus ? { apiStatus } : {}) };
  } else {
    const res = await guardedFetch(t.url, {
      method: t.method,
      timeoutMs,
      maxBodyBytes: MAX_BODY_BYTES,
      allowHttp: true,
      headers: { "user-agent": "pystol-check", accept: "*/*" },
      ...(ctx.policy ? { policy: ctx.policy } : {}),
      ...(ctx.resolve ? { resolve: ctx.resolve } : {}),
    });
    answer = { status: res.status, body: res.body, ms: performance.now() - started };
  }
  return judgeHttp(check, answer);
}

/** `/api/v1/namespaces/<ns>/services/<name>:<port>/proxy/<path>`, each name encoded; the path's own slashes kept. */
export function proxyPath(namespace: string, service: string, port: string | number, path: string): string {
  const [p, query] = splitOnce(path, "?");
  const tail = p.replace(/^\//, "");
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(`${service}:${port}`)}/proxy/${tail}${query === undefined ? "" : `?${query}`}`;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

function apiServerStatus(
  headers: Record<string, string>,
  body: string,
): { reason?: string; message?: string } | undefined {
  if (!/json/.test(headers["content-type"] ?? "")) return undefined;
  try {
    const v = JSON.parse(body) as {
      kind?: unknown;
      apiVersion?: unknown;
      reason?: unknown;
      message?: unknown;
    };
    if (v.kind !== "Status" || v.apiVersion !== "v1") return undefined;
    return {
      ...(typeof v.reason === "string" ? { reason: v.reason } : {}),
      ...(typeof v.message === "string" ? { message: v.message.slice(0, 200) } : {}),
    };
  } catch {
    return undefined;
  }
}

function judgeHttp(check: HttpCheck, a: Answer): Verdict {
  const e = check.expect;
  const ms = Math.round(a.ms);
  const who = check.target.kind === "service" ? check.target.service : new URL(check.target.url).host;
  const misses: string[] = [];
  if (!statusMatches(a.status, e.status)) misses.push(`expected ${e.status.join(" or ")}`);
  if (e.maxLatencyMs !== undefined && a.ms > e.maxLatencyMs)
    misses.push(`expected at most ${e.maxLatencyMs} ms`);
  if (e.bodyContains !== undefined && !a.body.includes(e.bodyContains))
    misses.push(`the body does not contain "${clip(e.bodyContains)}"`);
  if (e.bodyMatches !== undefined) {
    const re = compileBodyPattern(e.bodyMatches);
    // Validation refused such a pattern already; a stored one from an older engine is an error.
    if (!re.ok) throw new CheckError(`the body pattern is refused: ${re.reason}.`);
    if (!re.regex.test(a.body.slice(0, MAX_MATCHED_BYTES)))
      misses.push(`the body does not match /${clip(e.bodyMatches)}/`);
  }
  const said = a.apiStatus?.message ? ` (the API server: ${a.apiStatus.message})` : "";
  const observed = `${who} answered ${a.status} in ${ms} ms${said}`;
  if (misses.length) return { outcome: "fail", value: ms, observed: `${observed}; ${misses.join("; ")}.` };
  return { outcome: "pass", value: ms, observed: `${observed}.` };
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
