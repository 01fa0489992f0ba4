import { type AddressPolicy, type Resolver, addressPolicyFromEnv, guardedFetch } from "@/lib/kube";
import { CheckError, type Verdict } from "./result";
import type { PrometheusCheck, PrometheusConnection } from "./schema";
import { compare } from "./status";

/** An answer of /api/v1/query is small; a larger one is not a single sample. */
const MAX_ANSWER_BYTES = 256 * 1024;

interface QueryAnswer {
  status?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

/**
 * One PromQL instant query, through the address guard; its scalar or single sample compared to
 * the threshold. An empty or multi-series result is an error: the hypothesis is about one number.
 */
export async function evaluatePrometheus(
  conn: PrometheusConnection,
  check: PrometheusCheck,
  options: { timeoutMs: number; policy?: AddressPolicy | undefined; resolve?: Resolver | undefined },
): Promise<Verdict> {
  const url = new URL(conn.url);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/api/v1/query`;
  url.searchParams.set("query", check.query);
  // Prometheus stops the query itself a little before our own deadline.
  url.searchParams.set("timeout", `${Math.max(1, Math.floor(options.timeoutMs * 0.9))}ms`);
  const res = await guardedFetch(url.toString(), {
    timeoutMs: options.timeoutMs,
    maxBodyBytes: MAX_ANSWER_BYTES,
    // A bearer token never travels in clear text unless the operator allows plain HTTP.
    allowHttp: (options.policy ?? addressPolicyFromEnv()).allowHttp || !conn.bearerToken,
    headers: {
      accept: "application/json",
      ...(conn.bearerToken ? { authorization: `Bearer ${conn.bearerToken}` } : {}),
    },
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.resolve ? { resolve: options.resolve } : {}),
  });
  if (res.status === 401 || res.status === 403)
    throw new CheckError(`Prometheus refused the credentials (${res.status}).`);
  if (res.truncated)
    throw new CheckError(
      "Prometheus answered with more data than a single sample; the query must return one series.",
    );
  let body: QueryAnswer;
  try {
    body = JSON.parse(res.body) as QueryAnswer;
  } catch {
    throw new CheckError(`the answer (${res.status}) is not Prometheus's query API; check the URL.`);
  }
  if (body.status !== "success") {
    const why = typeof body.error === "string" ? body.error.slice(0, 200) : `status ${res.status}`;
    throw new CheckError(`Prometheus refused the query: ${why}.`);
  }
  const value = single(body.data);
  const shown = formatNumber(value);
  if (Number.isNaN(value))
    throw new CheckError("the query returned NaN, which cannot be compared with a threshold.");
  const ok = compare(value, check.op, check.threshold);
  return {
    outcome: ok ? "pass" : "fail",
    value,
    observed: `${check.name} is ${shown}; expected ${check.op} ${formatNumber(check.threshold)}.`,
  };
}

function single(data: QueryAnswer["data"]): number {
  const type = data?.resultType;
  const result = data?.result;
  if (type === "scalar" && Array.isArray(result)) return Number(result[1]);
  if (type === "vector" && Array.isArray(result)) {
    if (result.length === 0)
      throw new CheckError(
        "the query returned no series; a check needs exactly one (is the metric scraped, the selector right?).",
      );
    if (result.length > 1) {
      throw new CheckError(
        `the query returned ${result.length} series; a check needs exactly one (aggregate it, for example with sum(...)).`,
      );
    }
    const v = (result[0] as { value?: [number, string] }).value;
    if (Array.isArray(v)) return Number(v[1]);
  }
  throw new CheckError(
    `the query returned a ${type ?? "malformed"} result; a check needs an instant vector with one series or a scalar.`,
  );
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(4)));
}
