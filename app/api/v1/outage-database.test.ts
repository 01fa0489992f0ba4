import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { freePort } from "@/lib/runs/testing/processes";

// PostgreSQL away: the API gate itself cannot read the token, and answers 503 with
// Retry-After and a sentence instead of a 500. (This file's database address has nothing
// listening behind it; the suite's database is untouched.)
process.env.DATABASE_URL = `postgresql://postgres@127.0.0.1:${await freePort()}/pystol_gone`;
const runsRoute = await import("./t/[slug]/runs/route");

describe("a database outage", () => {
  it("answers every API request 503 with Retry-After and says nothing was changed", async () => {
    const get = await runsRoute.GET(new NextRequest("http://localhost/api/v1/x", { headers: { authorization: "Bearer pst_0123456789abcdef0123456789abcdef" } }), {
      params: Promise.resolve({ slug: "any-team" }),
    });
    expect(get.status).toBe(503);
    expect(get.headers.get("retry-after")).toBe("5");
    expect(await get.json()).toEqual({
      error: { code: "unavailable", message: "The service is briefly unavailable: its database is not answering. Nothing was started or changed; try again in a few seconds." },
    });
  });
});
