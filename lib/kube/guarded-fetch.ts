import http from "node:http";
import https from "node:https";
import { type AddressPolicy, addressPolicyFromEnv } from "./address-guard";
import {
  type Resolver,
  bareHost,
  guardedHttpAgent,
  guardedHttpsAgent,
  systemResolver,
} from "./guarded-agent";
import { REFUSED_CODE } from "./kube-access-error";

export interface GuardedFetchOptions {
  method?: "GET" | "HEAD" | "POST";
  headers?: Record<string, string>;
  /** A request body (POST), sent as is. */
  body?: string;
  /** Whole-request deadline, connect included. */
  timeoutMs: number;
  /** Bytes of the body kept; the rest is read and dropped (`truncated` says so). */
  maxBodyBytes: number;
  /** Address rules; defaults to the kubeconfigs' (`PYSTOL_KUBE_ALLOWED_CIDRS`). */
  policy?: AddressPolicy;
  resolve?: Resolver;
  /** Whether plain http:// may be used; https:// always may. */
  allowHttp: boolean;
}

export interface GuardedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  truncated: boolean;
}

/**
 * Why a guarded fetch failed, as a code and a sentence safe to show: `refused` (the address
 * guard), `unreachable`, `timeout`, `tls`, `invalid-url`.
 */
export class GuardedFetchError extends Error {
  constructor(
    readonly code: "refused" | "unreachable" | "timeout" | "tls" | "invalid-url" | "failed",
    message: string,
  ) {
    super(message);
    this.name = "GuardedFetchError";
  }
}

/**
 * One request to a URL a team typed (a health page, their Prometheus), through the same dial
 * guard as kubeconfigs' API servers: the name is resolved once, every answer is checked against
 * the address rules, the checked address is dialled, and redirects are never followed (a 3xx is
 * the answer). The agent lives for this request only.
 */
export function guardedFetch(target: string, options: GuardedFetchOptions): Promise<GuardedResponse> {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return Promise.reject(new GuardedFetchError("invalid-url", "The URL is not valid."));
  }
  const secure = url.protocol === "https:";
  if (!secure && !(url.protocol === "http:" && options.allowHttp)) {
    return Promise.reject(
      new GuardedFetchError(
        "invalid-url",
        options.allowHttp
          ? "Only http:// and https:// URLs can be fetched."
          : "Only https:// URLs can be fetched.",
      ),
    );
  }
  if (url.username || url.password) {
    return Promise.reject(
      new GuardedFetchError("invalid-url", "The URL must not carry a user name or password."),
    );
  }
  const settings = {
    guard: { policy: options.policy ?? addressPolicyFromEnv(), resolve: options.resolve ?? systemResolver },
    host: bareHost(url.hostname),
    port: Number(url.port || (secure ? 443 : 80)),
    connectTimeoutMs: options.timeoutMs,
  };
  const agent = secure
    ? guardedHttpsAgent(
        { keepAlive: false, maxSockets: 1, rejectUnauthorized: true, minVersion: "TLSv1.2" },
        settings,
      )
    : guardedHttpAgent({ keepAlive: false, maxSockets: 1 }, settings);
  const send = secure ? https.request : http.request;
  return new Promise<GuardedResponse>((resolve, reject) => {
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      reject(toFetchError(err));
    };
    const headers = { ...(options.headers ?? {}) };
    if (options.body !== undefined) headers["content-length"] = String(Buffer.byteLength(options.body));
    const req = send(url, { method: options.method ?? "GET", headers, agent });
    const timer = setTimeout(
      () => req.destroy(Object.assign(new Error("timeout"), { code: "PYSTOL_TIMEOUT" })),
      options.timeoutMs,
    );
    req.on("error", fail);
    req.on("close", () => clearTimeout(timer));
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      let truncated = false;
      res.on("data", (chunk: Buffer) => {
        const room = options.maxBodyBytes - kept;
        if (room <= 0) {
          truncated = true;
          return;
        }
        if (chunk.length > room) truncated = true;
        const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
        chunks.push(part);
        kept += part.length;
        // Far past the limit there is nothing more to learn: stop reading.
        if (truncated) res.destroy();
      });
      const finish = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers))
          if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
        resolve({
          status: res.statusCode ?? 0,
          headers,
          body: Buffer.concat(chunks).toString("utf8"),
          truncated,
        });
      };
      res.on("end", finish);
      res.on("close", () =>
        truncated ? finish() : fail(Object.assign(new Error("closed"), { code: "ECONNRESET" })),
      );
      res.on("error", (err) => (truncated ? finish() : fail(err)));
    });
    req.end(options.body);
  }).finally(() => agent.destroy());
}

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

function toFetchError(err: unknown): GuardedFetchError {
  const e = (err ?? {}) as { code?: unknown; safeMessage?: unknown };
  const code = typeof e.code === "string" ? e.code : "";
  if (code === REFUSED_CODE && typeof e.safeMessage === "string") {
    // The guard's sentence names an API server; here the address is any URL's.
    return new GuardedFetchError("refused", e.safeMessage.replace(/^The API server address/, "The address"));
  }
  if (code === "PYSTOL_TIMEOUT" || code === "ETIMEDOUT")
    return new GuardedFetchError("timeout", "The server did not answer in time.");
  if (NETWORK.has(code))
    return new GuardedFetchError("unreachable", `The server could not be reached (${code}).`);
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(code))
    return new GuardedFetchError("tls", `The server's TLS certificate was not accepted (${code}).`);
  return new GuardedFetchError("failed", "The request failed.");
}
