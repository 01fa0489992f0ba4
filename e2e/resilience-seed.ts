// An experiment with three executions written to the database directly, for the resilience,
// compare and report tests (and walks of those pages).
import { randomBytes } from "node:crypto";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { newAccount, signUp } from "./helpers";
import { addSandboxCluster, createApiToken, sql } from "./seed";

const checkout = { name: "checkout", type: "http", mode: "during", intervalSeconds: 1, target: { kind: "service", namespace: "shop", service: "frontend", port: "http", path: "/checkout" }, expect: { status: ["2xx"], maxLatencyMs: 2000 } };
const cartAvailable = { name: "cart available", type: "kubernetes", mode: "before-and-after", check: { condition: "workload-available", workload: "Deployment", namespace: "shop", name: "cart", minAvailable: 2 } };
const stage = (count: number) => ({ name: "lose a cart pod", faults: [{ actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart", count } }] });

const cuid = () => `c${randomBytes(12).toString("hex")}`;
const MIN = 60_000;

export interface Seeded {
  slug: string;
  experimentId: string;
  /** Oldest first: failed v1 (50), failed v1 (40), passed v2 (100). */
  executions: string[];
  token: string;
}

export async function seedHistory(page: Page, name: string): Promise<Seeded> {
  const account = newAccount(name);
  const slug = await signUp(page, account);
  const sandbox = await addSandboxCluster(page, slug);
  const token = await createApiToken(slug, account.email, ["run"]);
  const baseURL = test.info().project.use.baseURL!;
  const api = async (p: string, method: string, body: unknown) => {
    const res = await fetch(`${baseURL}/api/v1/t/${slug}${p}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    return (await res.json()) as { experiment: { id: string; definition: object } };
  };
  const v1 = await api("/experiments", "POST", { name: "cart survives", cluster: sandbox.name, definition: { stages: [stage(1)], checks: [checkout, cartAvailable] } });
  const experimentId = v1.experiment.id;
  const v2 = await api(`/experiments/${experimentId}`, "PUT", { definition: { stages: [stage(2)], checks: [checkout, cartAvailable] }, expectedVersion: 1 });
  const [team] = await sql<{ id: string }>(`SELECT id FROM "Team" WHERE slug = $1`, [slug]);
  const now = Date.now();
  const rows = [
    { ago: 3 * 24 * 60 * MIN, version: 1, definition: v1.experiment.definition, state: "FAILED", score: 50, took: 95_000, during: ["pass", "fail", "fail", "pass"], after: "fail" },
    { ago: 2 * 24 * 60 * MIN, version: 1, definition: v1.experiment.definition, state: "FAILED", score: 40, took: 120_000, during: ["fail", "fail", "pass"], after: "fail" },
    { ago: 30 * MIN, version: 2, definition: v2.experiment.definition, state: "PASSED", score: 100, took: 80_000, during: ["pass", "pass", "pass"], after: "pass" },
  ];
  const executions: string[] = [];
  for (const r of rows) {
    const id = cuid();
    const at = new Date(now - r.ago);
    const end = new Date(at.getTime() + r.took);
    await sql(
      `INSERT INTO "ExperimentExecution" (id, "teamId", "experimentId", version, "clusterId", definition, state, score, reason, "queuedAt", "startedAt", "faultsEndedAt", "finishedAt")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $11)`,
      [id, team!.id, experimentId, r.version, sandbox.clusterId, JSON.stringify(r.definition), r.state, r.score, r.state === "PASSED" ? "every check held" : "the after-check cart available did not pass within the recovery window of 60 s", at, end],
    );
    const samples = [
      ...r.during.map((o, i) => [0, "during", new Date(at.getTime() + (i + 1) * 1000), o, o === "pass" ? 120 : 2500, o === "pass" ? "200 in 120 ms" : "200 in 2500 ms"]),
      [1, "before", at, "pass", 2, "2 of 2 available"],
      [1, "after", end, r.after, r.after === "pass" ? 2 : 1, r.after === "pass" ? "2 of 2 available" : "1 of 2 available"],
    ];
    for (const [checkIndex, phase, sAt, outcome, value, observed] of samples) {
      await sql(`INSERT INTO "CheckSample" ("teamId", "executionId", "checkIndex", phase, at, outcome, value, observed, "durationMs") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 5)`, [team!.id, id, checkIndex, phase, sAt, outcome, value, observed]);
    }
    executions.push(id);
  }
  return { slug, experimentId, executions, token };
}

