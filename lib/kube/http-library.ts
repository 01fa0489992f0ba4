import http from "node:http";
import https from "node:https";
import { type PromiseHttpLibrary, type RequestContext, ResponseContext } from "@kubernetes/client-node";
import { KubeAccessError } from "./kube-access-error";

/** One API call as seen by metrics: no URL, no names, nothing a tenant typed. */
export interface KubeCallEvent {
  target: "kubeconfig" | "sandbox";
  method: string;
  status?: number;
  /** `KubeAccessError` code or the failing Node error code, when the call failed. */
  error?: string;
  seconds: number;
}

export interface HttpSettings {
  agent: http.Agent;
  timeoutMs: number;
  maxResponseBytes: number;
  target: KubeCallEvent["target"];
  observe: (e: KubeCallEvent) => void;
}

// Reads that want only the start of an answer (a proxied service's body, for a check): past the
// limit the rest is not read, and the answer comes back cut, with `x-pystol-truncated: true`.
const responseLimits = new WeakMap<RequestContext, number>();

/** Keeps at most `bytes` of this request's answer (instead of failing past the client's maximum). */
export function limitResponseBytes(ctx: RequestContext, bytes: number): void {
  responseLimits.set(ctx, bytes);
}

export const TRUNCATED_HEADER = "x-pystol-truncated";

/**
 * The transport for every generated API class. Written on `http.request` rather than the
 * library's fetch so that the agent, the deadline and the redirect rule are ours: a 3xx is
 * handed back as a response (and becomes an error), never followed.
 */
export function guardedHttpLibrary(settings: HttpSettings): PromiseHttpLibrary {
  return {
    send(ctx: RequestContext): Promise<ResponseContext> {
      const started = process.hrtime.bigint();
      const method = ctx.getHttpMethod().toString();
      const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
      return request(ctx, settings).then(
        (res) => {
          settings.observe({
            target: settings.target,
            method,
            status: res.httpStatusCode,
            seconds: seconds(),
          });
          return res;
        },
        (err: { code?: string }) => {
          settings.observe({
            target: settings.target,
            method,
            error: String(err?.code ?? "failed"),
            seconds: seconds(),
          });
          throw err;
        },
      );
    },
  };
}

function request(ctx: RequestContext, settings: HttpSettings): Promise<ResponseContext> {
  const url = new URL(ctx.getUrl());
  const body = ctx.getBody();
  if (body !== undefined && typeof body !== "string") {
    return Promise.reject(new KubeAccessError("failed", "Form uploads are not supported by this client."));
  }
  const send = url.protocol === "http:" ? http.request : https.request;
  return new Promise((resolve, reject) => {
    const req = send(url, {
      method: ctx.getHttpMethod().toString(),
      headers: ctx.getHeaders(),
      agent: settings.agent,
    });
    const timer = setTimeout(() => {
      req.destroy(new KubeAccessError("timeout", "The Kubernetes API server did not answer in time."));
    }, settings.timeoutMs);
    const signal = ctx.getSignal();
    const onAbort = () => req.destroy(Object.assign(new Error("aborted"), { name: "AbortError" }));
    signal?.addEventListener("abort", onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    req.on("error", (err) => {
      done();
      reject(err);
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const cut = responseLimits.get(ctx);
      let truncated = false;
      res.on("data", (chunk: Buffer) => {
        if (cut !== undefined && size + chunk.length > cut) {
          chunks.push(chunk.subarray(0, cut - size));
          size = cut;
          truncated = true;
          res.destroy();
          finish();
          return;
        }
        size += chunk.length;
        if (size > settings.maxResponseBytes) {
          req.destroy(
            new KubeAccessError("failed", "The API server's answer was larger than this service accepts."),
          );
          return;
        }
        chunks.push(chunk);
      });
      res.on("error", (err) => {
        if (truncated) return;
        done();
        reject(err);
      });
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        done();
        const buf = Buffer.concat(chunks);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers))
          if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
        if (truncated) headers[TRUNCATED_HEADER] = "true";
        resolve(
          new ResponseContext(res.statusCode ?? 0, headers, {
            text: async () => buf.toString("utf8"),
            binary: async () => buf,
          }),
        );
      };
      res.on("end", finish);
    });
    if (body !== undefined) req.write(body);
    req.end();
  });
}
