import https from "node:https";

export interface RawResponse {
  status: number;
  body: string;
  json: Record<string, unknown>;
}

/** One HTTPS request to the sandbox API, trusting its CA; for the cases no client sends. */
export function raw(
  url: string,
  caPem: string,
  token: string,
  method: string,
  body?: string | Buffer,
  contentType = "application/json",
  accept = "application/json",
  headers: Record<string, string | string[]> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    // An empty token sends no Authorization header at all (an anonymous request).
    const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const req = https.request(url, { method, ca: caPem, headers: { ...auth, "content-type": contentType, accept, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // Not JSON (logs, watch streams).
        }
        resolve({ status: res.statusCode ?? 0, body: text, json });
      });
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
