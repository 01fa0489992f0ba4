import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { sessionWriteRefusal, withTeamRoute } from "@/lib/tenancy";

// The session half of the API gate. withTeamRoute applies it once the session's team is
// resolved, which needs a real signed-in browser: the forged requests are in
// e2e/security.spec.ts. Here, the rule itself.

const own = new URL(env().NEXTAUTH_URL).origin;

function req(method: string, headers: Record<string, string>) {
  return new NextRequest(`${own}/api/v1/t/team/runs`, { method, headers: { host: new URL(own).host, ...headers }, body: method === "GET" ? undefined : "{}" });
}

describe("sessionWriteRefusal", () => {
  it("lets reads through from anywhere", () => {
    expect(sessionWriteRefusal(req("GET", { origin: "https://evil.example" }))).toBeNull();
  });

  it("lets a JSON change from the app's own origin through", () => {
    expect(sessionWriteRefusal(req("POST", { origin: own, "content-type": "application/json" }))).toBeNull();
    expect(sessionWriteRefusal(req("DELETE", { "sec-fetch-site": "same-origin", "content-type": "application/json; charset=utf-8" }))).toBeNull();
  });

  it("refuses changes from another origin, with no origin at all, or without a JSON body", () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      expect(sessionWriteRefusal(req(method, { origin: "http://sibling.localhost:3000", "content-type": "application/json" }))).toMatch(/^Cross-site request refused/);
    }
    expect(sessionWriteRefusal(req("POST", { origin: "null", "content-type": "application/json" }))).toMatch(/^Cross-site/);
    expect(sessionWriteRefusal(req("POST", { "content-type": "application/json" }))).toMatch(/^Cross-site/);
    expect(sessionWriteRefusal(req("POST", { "sec-fetch-site": "same-site", "content-type": "application/json" }))).toMatch(/^Cross-site/);
    // A foreign Origin wins over a Sec-Fetch-Site that claims otherwise.
    expect(sessionWriteRefusal(req("POST", { origin: "https://evil.example", "sec-fetch-site": "same-origin", "content-type": "application/json" }))).toMatch(/^Cross-site/);
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""]) {
      expect(sessionWriteRefusal(req("POST", { origin: own, "content-type": type }))).toMatch(/^Send the request body as JSON/);
    }
  });
});

describe("withTeamRoute", () => {
  const start = withTeamRoute(async () => Response.json({ ok: true }), { permission: "runs:create" });

  it("answers a NUL in a path value 400 before any query", async () => {
    const res = await start(req("POST", { authorization: "Bearer pst_x" }), { params: Promise.resolve({ slug: "te\u0000am" }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: "invalid_request", message: "The slug in the address contains a NUL character, which no slug has." } });
  });
});
