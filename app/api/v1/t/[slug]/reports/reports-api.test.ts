import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { startApiTestStack, type ApiTestStack } from "@/lib/api/testing";
import { reportSchema, REPORT_SCHEMA_ID } from "@/lib/resilience";
import { closePdfBrowser } from "@/lib/resilience/pdf";
import * as experimentsRoute from "../experiments/route";
import * as reportsRoute from "./route";
import { pdfPages, renderPdfPage } from "@/lib/resilience/testing/pdf-check";

// The reports API against the real database and a sandbox team: the JSON shape (checked with
// its own zod schema), tenancy, a range, refusals, and the PDF printed by the real Chromium,
// then opened with pdf.js: its pages counted, its text read and each page drawn and looked at.

let stack: ApiTestStack;
let slug: string;
const call: ApiTestStack["call"] = (...args) => stack.call(...args);
let experimentId: string;
const ids: Record<string, string> = {};
const DAY = 86_400_000;

const definition = {
  stages: [{ name: "lose a cart pod", faults: [{ actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart", count: 1 } }] }],
  checks: [{ name: "cart replicas", type: "kubernetes", check: { condition: "workload-available", workload: "Deployment", namespace: "shop", name: "cart", minAvailable: 1 } }],
};

beforeAll(async () => {
  stack = await startApiTestStack("Reporter");
  slug = stack.slug;
  const made = await call(experimentsRoute.POST, { slug }, { method: "POST", body: { name: "cart report", cluster: "sandbox", definition } });
  expect(made.status).toBe(201);
  experimentId = made.body.experiment.id;
  const base = { teamId: stack.c.teamId, experimentId, version: 1, clusterId: stack.c.clusterId, definition: made.body.experiment.definition as object };
  const now = Date.now();
  // Three finished executions: 40 days ago, 10 days ago and an hour ago.
  for (const [key, agoMs, state, score] of [["old", 40 * DAY, "FAILED", 40], ["mid", 10 * DAY, "FAILED", 50], ["new", 3_600_000, "PASSED", 100]] as const) {
    const at = new Date(now - agoMs);
    const x = await db.experimentExecution.create({
      data: { ...base, state, score, reason: state === "PASSED" ? "every check held" : "the after-check cart replicas did not pass", queuedAt: at, startedAt: at, finishedAt: new Date(at.getTime() + 95_000) },
    });
    await db.checkSample.createMany({
      data: [
        { teamId: stack.c.teamId, executionId: x.id, checkIndex: 0, phase: "before", at, outcome: "pass", value: 2, observed: "2 of 2 available", durationMs: 5 },
        { teamId: stack.c.teamId, executionId: x.id, checkIndex: 0, phase: "after", at: new Date(at.getTime() + 90_000), outcome: state === "PASSED" ? "pass" : "fail", value: state === "PASSED" ? 2 : 0, observed: state === "PASSED" ? "2 of 2 available" : "0 of 2 available", durationMs: 5 },
      ],
    });
    ids[key] = x.id;
  }
});

afterAll(async () => {
  await closePdfBrowser();
  await stack.close();
});

describe("reports as JSON", () => {
  it("one execution: the documented shape, with its checks and faults", async () => {
    const r = await call(reportsRoute.GET, { slug }, { token: stack.readToken, query: `execution=${ids.new}` });
    expect(r.status).toBe(200);
    expect(() => reportSchema.parse(r.body)).not.toThrow();
    expect(r.body).toMatchObject({ schema: REPORT_SCHEMA_ID, kind: "execution", range: null, experiment: { id: experimentId, name: "cart report" }, summary: { executions: 1, byVerdict: { passed: 1 }, meanScore: 100, passRate: 1 } });
    expect(r.body.execution).toMatchObject({
      id: ids.new,
      state: "PASSED",
      verdict: "passed",
      score: 100,
      durationMs: 95_000,
      cluster: { name: "sandbox" },
      checks: [{ name: "cart replicas", outcome: { before: "pass", during: null, after: "pass" }, evaluations: 2, failures: 0, last: "2 of 2 available" }],
      stages: [{ name: "lose a cart pod", faults: [{ actionId: "pod-kill", runId: null }] }],
    });
  });

  it("a range of the team (30 days by default) and of an experiment with from and to", async () => {
    const def = await call(reportsRoute.GET, { slug }, {});
    expect(def.status).toBe(200);
    expect(reportSchema.parse(def.body).kind).toBe("range");
    expect(def.body.executions.map((x: { id: string }) => x.id)).toEqual([ids.new, ids.mid]);
    expect(def.body.summary).toEqual({ executions: 2, byVerdict: { passed: 1, failed: 1 }, meanScore: 75, passRate: 0.5 });
    const from = new Date(Date.now() - 50 * DAY).toISOString();
    const to = new Date(Date.now() - 5 * DAY).toISOString();
    const ranged = await call(reportsRoute.GET, { slug }, { query: `experiment=cart%20report&from=${from}&to=${to}` });
    expect(ranged.status).toBe(200);
    expect(ranged.body.experiment).toEqual({ id: experimentId, name: "cart report" });
    expect(ranged.body.range).toEqual({ from, to });
    expect(ranged.body.executions.map((x: { id: string }) => x.id)).toEqual([ids.mid, ids.old]);
    expect(ranged.body.truncated).toBe(false);
    // A bare date as "to" takes that whole day in.
    const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const days = await call(reportsRoute.GET, { slug }, { query: `from=${dayOf(Date.now() - 2 * DAY)}&to=${dayOf(Date.now() - 3_600_000)}` });
    expect(days.body.executions.map((x: { id: string }) => x.id)).toEqual([ids.new]);
    expect(days.body.range.to).toBe(`${dayOf(Date.now() - 3_600_000 + DAY)}T00:00:00.000Z`);
  });

  it("another team's execution or experiment is not found; another team's token sees nothing of this team", async () => {
    expect((await call(reportsRoute.GET, { slug: stack.otherSlug }, { token: stack.otherToken, query: `execution=${ids.new}` })).status).toBe(404);
    expect((await call(reportsRoute.GET, { slug: stack.otherSlug }, { token: stack.otherToken, query: `experiment=${experimentId}` })).status).toBe(404);
    const theirs = await call(reportsRoute.GET, { slug: stack.otherSlug }, { token: stack.otherToken });
    expect(theirs.status).toBe(200);
    expect(theirs.body.executions).toEqual([]);
    expect((await call(reportsRoute.GET, { slug }, { token: stack.otherToken })).status).toBe(404);
  });

  it("refuses a bad request with a sentence", async () => {
    const both = await call(reportsRoute.GET, { slug }, { query: `execution=${ids.new}&experiment=x` });
    expect(both.status).toBe(400);
    expect(JSON.stringify(both.body.error)).toContain("not both");
    const backwards = await call(reportsRoute.GET, { slug }, { query: "from=2026-02-01&to=2026-01-01" });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.message).toBe("from must be before to.");
    const long = await call(reportsRoute.GET, { slug }, { query: "from=2020-01-01&to=2026-01-01" });
    expect(long.body.error.message).toMatch(/at most 366 days/);
    expect((await call(reportsRoute.GET, { slug }, { query: "from=yesterday" })).status).toBe(400);
    expect((await call(reportsRoute.GET, { slug }, { query: "format=docx" })).status).toBe(400);
    expect((await call(reportsRoute.GET, { slug }, { query: "url=http://169.254.169.254/" })).status).toBe(400);
  });
});

const fetchRaw = async (query: string) => {
  const req = new NextRequest(`http://localhost/api/v1/t/${slug}/reports?${query}`, { headers: { authorization: `Bearer ${stack.readToken}` } });
  return reportsRoute.GET(req, { params: Promise.resolve({ slug }) });
};

describe("reports as a page and a PDF", () => {
  it("the printable page is one HTML document with nothing to fetch", async () => {
    const res = await fetchRaw(`execution=${ids.mid}&format=html`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain("cart report: execution report");
    expect(html).toContain("0 of 2 available");
    expect(html).toContain("@media print");
    expect(html).not.toMatch(/<script|<link|src=/i);
  });

  it("a range's PDF, printed by Chromium: a real PDF whose pages carry the report's text and are not blank", async () => {
    const res = await fetchRaw(`experiment=${experimentId}&from=${new Date(Date.now() - 60 * DAY).toISOString()}&format=pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="pystol-report-cart-report-\d{4}-\d{2}-\d{2}\.pdf"$/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(Buffer.from(bytes.subarray(0, 5)).toString()).toBe("%PDF-");
    const pages = await pdfPages(bytes);
    expect(pages.length).toBeGreaterThanOrEqual(1);
    const text = pages.map((p) => p.text).join(" ");
    expect(text).toContain("cart report: resilience report");
    expect(text).toContain("Score over time");
    expect(text).toMatch(/Executions\s*3/);
    for (let i = 0; i < pages.length; i++) {
      const img = await renderPdfPage(bytes, i + 1);
      // A drawn page: a good share of its pixels are ink, and some are coloured (the verdict pills and the chart).
      expect(img.inkShare, `page ${i + 1} ink`).toBeGreaterThan(0.005);
      if (i === 0) expect(img.colouredPixels, "page 1 colour").toBeGreaterThan(50);
    }
  }, 120_000);

  it("an execution's PDF has its verdict and checks", async () => {
    const res = await fetchRaw(`execution=${ids.mid}&format=pdf`);
    expect(res.status).toBe(200);
    const pages = await pdfPages(new Uint8Array(await res.arrayBuffer()));
    const text = pages.map((p) => p.text).join(" ");
    expect(text).toContain("cart report: execution report");
    expect(text).toContain("the after-check cart replicas did not pass");
    expect(text).toContain("0 of 2 available");
  }, 120_000);

  it("answers 503 with a sentence when Chromium is missing", async () => {
    const { pdfSettings } = await import("@/lib/resilience/pdf");
    const was = pdfSettings().executablePath;
    pdfSettings().executablePath = "/nonexistent/chromium";
    try {
      const res = await fetchRaw(`execution=${ids.mid}&format=pdf`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("pdf_no_chromium");
      expect(body.error.message).toMatch(/^PDF export needs Chromium .*use the printable page or the JSON export\.$/);
    } finally {
      pdfSettings().executablePath = was;
    }
  });

  it("answers 503 when too many reports wait, and when printing passes its deadline; the next report prints again", async () => {
    const { pdfSettings } = await import("@/lib/resilience/pdf");
    const was = { ...pdfSettings() };
    const errorOf = async (res: Response) => ({ status: res.status, ...((await res.json()) as { error: { code: string; message: string } }).error });
    try {
      pdfSettings().maxQueued = 0;
      expect(await errorOf(await fetchRaw(`execution=${ids.mid}&format=pdf`))).toEqual({ status: 503, code: "pdf_busy", message: "Too many reports are being printed right now; try again in a minute." });
      pdfSettings().maxQueued = was.maxQueued;
      pdfSettings().timeoutMs = 1;
      expect(await errorOf(await fetchRaw(`execution=${ids.mid}&format=pdf`))).toMatchObject({ status: 503, code: "pdf_timeout", message: expect.stringMatching(/^The PDF took longer than 0 s to print; try again, or use the printable page\.$/) });
    } finally {
      Object.assign(pdfSettings(), was);
    }
    const again = await fetchRaw(`execution=${ids.mid}&format=pdf`);
    expect(again.status).toBe(200);
    expect(Buffer.from(await again.arrayBuffer()).subarray(0, 5).toString()).toBe("%PDF-");
  }, 120_000);

  it("another team's execution gives no PDF", async () => {
    const req = new NextRequest(`http://localhost/api/v1/t/${stack.otherSlug}/reports?execution=${ids.new}&format=pdf`, { headers: { authorization: `Bearer ${stack.otherToken}` } });
    const res = await reportsRoute.GET(req, { params: Promise.resolve({ slug: stack.otherSlug }) });
    expect(res.status).toBe(404);
  });
});
