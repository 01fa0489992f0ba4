import { ApiException, HttpMethod, type Configuration } from "@kubernetes/client-node";
import { TRUNCATED_HEADER, limitResponseBytes } from "./http-library";

type MapError = (err: unknown) => Error;

/**
 * Reads through the same guarded transport and credentials as the generated APIs, but hands
 * back the parsed JSON as it came. The generated APIs rebuild every object field by field
 * (ObjectSerializer), which costs more than the request itself for lists of many pods:
 * plans and cluster views that only read a list use this instead.
 */
export class GuardedRaw {
  constructor(
    private readonly config: Configuration,
    private readonly mapError: MapError,
  ) {}

  /**
   * GET `path` (built by the caller from fixed segments, each passed through
   * encodeURIComponent) with the query parameters given; resolves to the parsed body.
   * `accept` asks for another representation (a metadata-only list) where one is enough.
   */
  /**
   * A request whose answer is wanted whatever its status (the service proxy: a backend's 503 is
   * an observation, not a failure of the call). Only transport failures throw (as
   * `KubeAccessError`). The body is cut at `maxBodyBytes`.
   */
  async request(
    path: string,
    options: {
      method?: "GET" | "HEAD" | "POST";
      accept?: string;
      maxBodyBytes: number;
      signal?: AbortSignal;
    },
  ): Promise<{ status: number; headers: Record<string, string>; body: string; truncated: boolean }> {
    try {
      const method =
        options.method === "HEAD"
          ? HttpMethod.HEAD
          : options.method === "POST"
            ? HttpMethod.POST
            : HttpMethod.GET;
      const ctx = this.config.baseServer.makeRequestContext(path, method);
      // RequestContext drops a trailing slash from every URL, and a proxied service's root
      // (`.../proxy/`) without it is a redirect: keep the path exactly as built.
      if (path.split("?")[0]!.endsWith("/")) {
        const url = new URL(ctx.getUrl());
        url.pathname += "/";
        ctx.getUrl = () => url.toString();
      }
      limitResponseBytes(ctx, options.maxBodyBytes);
      ctx.setHeaderParam("Accept", options.accept ?? "*/*");
      if (options.signal) ctx.setSignal(options.signal);
      await this.config.authMethods.default?.applySecurityAuthentication(ctx);
      const res = await this.config.httpApi.send(ctx).toPromise();
      const buf = await res.body.binary();
      const { [TRUNCATED_HEADER]: cut, ...headers } = res.headers;
      return { status: res.httpStatusCode, headers, body: buf.toString("utf8"), truncated: cut === "true" };
    } catch (err) {
      throw this.mapError(err);
    }
  }

  async getJson<T>(
    path: string,
    query: Record<string, string | number | boolean | undefined> = {},
    accept = "application/json",
  ): Promise<T> {
    try {
      const ctx = this.config.baseServer.makeRequestContext(path, HttpMethod.GET);
      ctx.setHeaderParam("Accept", accept);
      for (const [key, value] of Object.entries(query)) {
        if (value !== undefined && value !== "") ctx.setQueryParam(key, String(value));
      }
      await this.config.authMethods.default?.applySecurityAuthentication(ctx);
      const res = await this.config.httpApi.send(ctx).toPromise();
      const text = await res.body.text();
      if (res.httpStatusCode >= 400) {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not a Status object; keep the text
        }
        throw new ApiException(res.httpStatusCode, "request failed", body, res.headers);
      }
      return JSON.parse(text) as T;
    } catch (err) {
      throw this.mapError(err);
    }
  }
}
