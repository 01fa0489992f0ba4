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
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, ca: caPem, headers: { authorization: `Bearer ${token}`, "content-type": contentType, accept } }, (res) => {
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
