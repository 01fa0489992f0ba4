import { randomUUID } from "node:crypto";
import type { Settings } from "./config";

/** An answer of the API that is not a success, with the API's error code and message. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** A refused file's problems, each with its line and column. */
    readonly issues: { path: string; message: string; line?: number; column?: number }[] = [],
  ) {
    super(message);
  }
}

/** A request: a JSON body, or a text body (a file) with its content type. */
interface Init {
  method?: string;
  body?: unknown;
  text?: string;
  contentType?: string;
}

// Attempts of a request that changes something, while the server is away (about 7 s in all).
const RETRIES = 3;

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

  private async send(url: string, init: Init & { accept?: string; idempotencyKey?: string }): Promise<Response> {
    // A file goes as it is (its text, so the server's errors point at its lines); anything else as JSON.
    const text = init.text !== undefined ? init.text : init.body === undefined ? undefined : JSON.stringify(init.body);
    try {
      return await fetch(url, {
        method: init.method ?? "GET",
        headers: {
          authorization: `Bearer ${this.s.token}`,
          accept: init.accept ?? "application/json",
          ...(text !== undefined ? { "content-type": init.contentType ?? "application/json" } : {}),
          ...(init.idempotencyKey ? { "idempotency-key": init.idempotencyKey } : {}),
        },
        body: text,
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new ApiFailure(0, "unreachable", `Cannot reach ${this.server}${cause ? ` (${cause})` : ""}.`);
    }
  }

  request<T>(path: string, init: Init = {}): Promise<T> {
    return this.json<T>(this.url(path), init);
  }

  /** The team the token belongs to and the role it acts with (the client's own team is not used). */
  tokenTeam(): Promise<{ team: { slug: string; name: string }; role: string }> {
    return this.json(`${this.server}/api/v1/token`, {});
  }

  /**
   * A request that changes something carries an Idempotency-Key and is sent again with the same
   * key when the server could not be reached or answered 502/503/504: the server acts once and
   * a retry gets its first answer, so a restart during `pystol run` cannot start a fault twice.
   */
  private async json<T>(url: string, init: Init): Promise<T> {
    const changes = (init.method ?? "GET") !== "GET";
    const idempotencyKey = changes ? randomUUID() : undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.jsonOnce<T>(url, { ...init, idempotencyKey });
      } catch (err) {
        const transient = err instanceof ApiFailure && (err.status === 0 || err.status === 502 || err.status === 503 || err.status === 504);
        if (!changes || !transient || attempt >= RETRIES) throw err;
        await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
      }
    }
  }

  private async jsonOnce<T>(url: string, init: Init & { idempotencyKey?: string }): Promise<T> {
    const res = await this.send(url, init);
    const text = await res.text();
    return this.answerOf<T>(res, text);
  }

  /** A text answer (an exported file), or ApiFailure with the server's message. */
  async text(path: string): Promise<string> {
    const res = await this.send(this.url(path), { accept: "*/*" });
    const text = await res.text();
    if (!res.ok) this.answerOf(res, text);
    return text;
  }

  private answerOf<T>(res: Response, text: string): T {
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : {};
    } catch {
      throw new ApiFailure(res.status, "bad_response", `The server answered ${res.status} with something that is not JSON.`);
    }
    if (!res.ok) {
      const e = (data as { error?: { code?: string; message?: string; issues?: ApiFailure["issues"] } }).error;
      throw new ApiFailure(res.status, e?.code ?? `http_${res.status}`, e?.message ?? `The server answered ${res.status}.`, Array.isArray(e?.issues) ? e.issues : []);
    }
    return data as T;
  }
}
