import { ApiException } from "@kubernetes/client-node";

export type KubeAccessCode =
  | "address-refused"
  | "unreachable"
  | "timeout"
  | "tls"
  | "redirect"
  | "unauthorized"
  | "forbidden"
  | "not-found"
  | "conflict"
  | "invalid"
  | "rate-limited"
  | "server-error"
  | "aborted"
  // A sandbox cluster whose shard (sandbox process) does not answer (lib/clusters/sandbox-shards.ts).
  | "shard-down"
  | "failed";

/**
 * The only error the guarded client lets out. Its message is built here from codes and,
 * for the trusted sandbox, the server's own Status message; for user clusters an upstream
 * message is kept only from a Kubernetes Status, cut short and scrubbed of the credentials.
 * The original error is deliberately not attached: its body and headers are the leak.
 */
export class KubeAccessError extends Error {
  readonly code: KubeAccessCode;
  /** HTTP status when the server answered. */
  readonly status?: number;
  /** Kubernetes Status `reason` (NotFound, AlreadyExists, Conflict, ...), when given. */
  readonly reason?: string;

  constructor(code: KubeAccessCode, message: string, extra: { status?: number; reason?: string } = {}) {
    super(message);
    this.name = "KubeAccessError";
    this.code = code;
    if (extra.status !== undefined) this.status = extra.status;
    if (extra.reason !== undefined) this.reason = extra.reason;
  }
}

/** Marks an error raised by the dial guard so it survives the HTTP stack's wrapping. */
export const REFUSED_CODE = "PYSTOL_ADDRESS_REFUSED";

const NETWORK = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "ENODATA",
]);
const TIMEOUT = new Set([
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "ECONNABORTED",
  "request-timeout",
  "body-timeout",
  "PYSTOL_TIMEOUT",
]);

export interface ErrorContext {
  trusted: boolean;
  /** Credential strings that must never appear in a message. */
  secrets: string[];
}

/** Converts anything the client stack throws into a `KubeAccessError` with a safe message. */
export function toKubeAccessError(err: unknown, ctx: ErrorContext): KubeAccessError {
  if (err instanceof KubeAccessError) return err;
  if (err instanceof ApiException) return fromStatus(err.code, err.body, ctx);
  const e = (err ?? {}) as {
    code?: unknown;
    type?: unknown;
    name?: unknown;
    statusCode?: unknown;
    safeMessage?: unknown;
  };
  const code = typeof e.code === "string" ? e.code : typeof e.type === "string" ? e.type : "";
  if (code === REFUSED_CODE && typeof e.safeMessage === "string")
    return new KubeAccessError("address-refused", e.safeMessage);
  if (typeof e.statusCode === "number") return fromStatus(e.statusCode, undefined, ctx);
  if (e.name === "AbortError" || code === "ABORT_ERR")
    return new KubeAccessError("aborted", "The request was cancelled.");
  if (TIMEOUT.has(code))
    return new KubeAccessError("timeout", "The Kubernetes API server did not answer in time.");
  if (NETWORK.has(code))
    return new KubeAccessError("unreachable", `Could not reach the Kubernetes API server (${code}).`);
  if (code === "no-redirect")
    return new KubeAccessError("redirect", "The API server answered with a redirect, which is not followed.");
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(code)) {
    return new KubeAccessError("tls", `The API server's TLS certificate was not accepted (${code}).`);
  }
  return new KubeAccessError("failed", "The request to the Kubernetes API server failed.");
}

function fromStatus(status: number, body: unknown, ctx: ErrorContext): KubeAccessError {
  const parsed = statusObject(body);
  const reason = typeof parsed?.reason === "string" ? parsed.reason.slice(0, 64) : undefined;
  const upstream = typeof parsed?.message === "string" ? safeText(parsed.message, ctx) : "";
  const detail = upstream ? `: ${upstream}` : ".";
  const extra = { status, ...(reason ? { reason } : {}) };
  if (status >= 300 && status < 400)
    return new KubeAccessError(
      "redirect",
      `The API server answered with a redirect (${status}), which is not followed.`,
      extra,
    );
  if (status === 401)
    return new KubeAccessError("unauthorized", "The API server did not accept the credentials (401).", extra);
  if (status === 403)
    return new KubeAccessError(
      "forbidden",
      `The credentials are not allowed to do this (403)${detail}`,
      extra,
    );
  if (status === 404) return new KubeAccessError("not-found", `Not found (404)${detail}`, extra);
  if (status === 409) return new KubeAccessError("conflict", `Conflict (409)${detail}`, extra);
  if (status === 422 || status === 400)
    return new KubeAccessError("invalid", `The API server refused the request (${status})${detail}`, extra);
  if (status === 429)
    return new KubeAccessError("rate-limited", "The API server is throttling requests (429).", extra);
  return new KubeAccessError("server-error", `The API server answered ${status}${detail}`, extra);
}

function statusObject(body: unknown): { reason?: unknown; message?: unknown; kind?: unknown } | null {
  let value = body;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (!value || typeof value !== "object") return null;
  const v = value as { kind?: unknown };
  return v.kind === "Status" ? (v as { reason?: unknown; message?: unknown }) : null;
}

function safeText(message: string, ctx: ErrorContext): string {
  let out = message;
  for (const s of ctx.secrets) if (s.length >= 4) out = out.split(s).join("[redacted]");
  out = out.replace(/[\u0000-\u001f\u007f]/g, " ");
  return ctx.trusted ? out.slice(0, 500) : out.slice(0, 200);
}
