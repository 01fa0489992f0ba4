import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { refuseActionBody, refuseUnusableUrl } from "./request-guards";
import { SERVER_ACTION_BODY_LIMIT } from "./body-limit.mjs";

const action = (body: BodyInit, headers: Record<string, string> = {}) =>
  new NextRequest("http://localhost/t/team/clusters/connect", { method: "POST", headers: { "next-action": "abc123", ...headers }, body });

describe("refuseUnusableUrl", () => {
  it("refuses a NUL in the path or the query, encoded or not, with a sentence", async () => {
    for (const url of ["http://localhost/t/a%00b", "http://localhost/t/x/runs?cluster=%00", "http://localhost/t/x/runs?%00=1"]) {
      const res = refuseUnusableUrl(new NextRequest(url));
      expect(res?.status, url).toBe(400);
      expect(await res!.text()).toMatch(/^The address contains a NUL character/);
    }
    const api = refuseUnusableUrl(new NextRequest("http://localhost/api/v1/t/x/runs?state=%00"));
    expect(await api!.json()).toEqual({ error: { code: "invalid_request", message: expect.stringMatching(/NUL character/) } });
  });

  it("leaves callbackUrl to the sign-in pages' own parser, and lets ordinary addresses through", () => {
    expect(refuseUnusableUrl(new NextRequest("http://localhost/signin?callbackUrl=%2F%0A%2Fevil.example"))).toBeNull();
    expect(refuseUnusableUrl(new NextRequest("http://localhost/signin?callbackUrl=%2F%09%2Fevil.example"))).toBeNull();
    expect(refuseUnusableUrl(new NextRequest("http://localhost/signin?callbackUrl=%2F%E3%80%82evil.example"))).toBeNull();
    expect(refuseUnusableUrl(new NextRequest("http://localhost/signin?callbackUrl=%2F%00"))?.status).toBe(400);
    expect(refuseUnusableUrl(new NextRequest("http://localhost/signin?callbackUrl=%2Ft%2Fteam%3Fa%3D1"))).toBeNull();
    expect(refuseUnusableUrl(new NextRequest("http://localhost/t/team/runs?cluster=c1&state=FAILED"))).toBeNull();
  });
});

describe("refuseActionBody", () => {
  it("leaves requests that are not server actions alone", async () => {
    expect(await refuseActionBody(new NextRequest("http://localhost/api/v1/t/x/runs", { method: "POST", body: "\u0000" }))).toBeNull();
  });

  it("answers a body over the limit 413, by its declared length or by what arrives", async () => {
    const declared = await refuseActionBody(action("x", { "content-length": String(6 * 1024 * 1024) }));
    expect(declared?.status).toBe(413);
    expect(await declared!.text()).toMatch(/^The form is larger than 1 MiB/);
    expect((await refuseActionBody(action("x".repeat(SERVER_ACTION_BODY_LIMIT + 1))))?.status).toBe(413);
    expect(await refuseActionBody(action("x".repeat(1000)))).toBeNull();
  });

  it("answers a NUL 400 in every body shape an action uses; an escaped backslash is text", async () => {
    const form = new FormData();
    form.set("name", "a\u0000b");
    expect((await refuseActionBody(action(form)))?.status).toBe(400);
    expect((await refuseActionBody(action("name=a%00b", { "content-type": "application/x-www-form-urlencoded" })))?.status).toBe(400);
    expect((await refuseActionBody(action(JSON.stringify(["a\u0000b"]), { "content-type": "text/plain;charset=UTF-8" })))?.status).toBe(400);
    expect(await refuseActionBody(action(JSON.stringify(["a\\u0000b"]), { "content-type": "text/plain;charset=UTF-8" }))).toBeNull();
    const ok = new FormData();
    ok.set("name", "shop");
    expect(await refuseActionBody(action(ok))).toBeNull();
  });
});
