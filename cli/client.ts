import type { Settings } from "./config";

/** An answer of the API that is not a success, with the API's error code and message. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A thin client of /api/v1/t/<team> (and /api/v1/token): JSON in, JSON out, errors as ApiFailure. */
export class PystolClient {
  constructor(private readonly s: Settings) {}

  get server(): string {
    return this.s.server.replace(/\/+$/, "");
  }

  /** The URL of a path under the team. */
  url(path: string): string {
    return `${this.server}/api/v1/t/${encodeURIComponent(this.s.team)}${path}`;
  }

  /** Sends a request with the token to a path under the team; the body (if any) as JSON. */
  raw(path: string, init: { method?: string; body?: unknown; accept?: string } = {}): Promise<Response> {
    return this.send(this.url(path), init);
  }

  private async send(url: string, init: { method?: string; body?: unknown; accept?: string }): Promise<Response> {
    try {
      return await fetch(url, {
        method: init.method ?? "GET",
        headers: {
          authorization: `Bearer ${this.s.token}`,
          accept: init.accept ?? "application/json",
          ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new ApiFailure(0, "unreachable", `Cannot reach ${this.server}${cause ? ` (${cause})` : ""}.`);
    }
  }

  request<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    return this.json<T>(this.url(path), init);
  }

  /** The team the token belongs to and the role it acts with (the client's own team is not used). */
  tokenTeam(): Promise<{ team: { slug: string; name: string }; role: string }> {
    return this.json(`${this.server}/api/v1/token`, {});
  }

  private async json<T>(url: string, init: { method?: string; body?: unknown }): Promise<T> {
    const res = await this.send(url, init);
    const text = await res.text();
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : {};
    } catch {
      throw new ApiFailure(res.status, "bad_response", `The server answered ${res.status} with something that is not JSON.`);
    }
    if (!res.ok) {
      const e = (data as { error?: { code?: string; message?: string } }).error;
      throw new ApiFailure(res.status, e?.code ?? `http_${res.status}`, e?.message ?? `The server answered ${res.status}.`);
    }
    return data as T;
  }
}
