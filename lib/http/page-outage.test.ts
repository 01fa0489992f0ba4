import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answeringOutagesAs503, reportPageOutage } from "./page-outage.mjs";

// A real HTTP server whose handler fails as a render does: with or without an outage reported
// first, with the status set implicitly (res.statusCode) or by writeHead.
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) =>
    answeringOutagesAs503(res, async () => {
      const url = new URL(req.url!, "http://x");
      const outage = url.searchParams.has("outage");
      await new Promise((r) => setTimeout(r, 5)); // the report comes from deeper in the request
      if (outage) reportPageOutage(5);
      const status = Number(url.searchParams.get("status") ?? 500);
      if (url.searchParams.has("implicit")) {
        res.statusCode = status;
        res.setHeader("cache-control", "private, no-cache");
        res.end("<html>error page</html>");
      } else {
        res.writeHead(status, "Internal Server Error", { "content-type": "text/html" }).end("<html>error page</html>");
      }
    }),
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("answeringOutagesAs503", () => {
  it("turns a 500 after a reported outage into 503 with Retry-After, keeping the page", async () => {
    for (const mode of ["", "&implicit"]) {
      const res = await fetch(`${base}/?outage${mode}`);
      expect(res.status).toBe(503);
      expect(res.statusText).toBe("Service Unavailable");
      expect(res.headers.get("retry-after")).toBe("5");
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(await res.text()).toBe("<html>error page</html>");
    }
  });

  it("leaves a 500 without an outage a 500, and any other status as it is", async () => {
    const plain = await fetch(`${base}/?implicit`);
    expect(plain.status).toBe(500);
    expect(plain.headers.get("retry-after")).toBeNull();
    const ok = await fetch(`${base}/?outage&status=200`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("retry-after")).toBeNull();
  });

  it("keeps each request's report to itself when requests overlap", async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => fetch(`${base}/?${i % 2 ? "outage" : "x"}`)));
    expect(answers.map((r) => r.status)).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 ? 503 : 500)));
  });

  it("does nothing when reported outside a request", () => {
    expect(() => reportPageOutage(5)).not.toThrow();
  });
});
