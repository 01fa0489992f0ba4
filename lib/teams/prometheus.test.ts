import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateCheck, parseCheck } from "@/lib/checks";
import { startShopPrometheus, type TestPrometheus } from "@/lib/checks/testing/prometheus";
import { open, parseKeyRing, seal } from "@/lib/crypto";
import { db } from "@/lib/db";
import { createAddressPolicy, rotateKubeconfigKeys, type RotationStore } from "@/lib/kube";
import { startHarness, type Harness } from "@/lib/sandbox/conformance/harness";
import {
  PROMETHEUS_SEAL_CONTEXT,
  PrometheusConnectionError,
  connectionFromForm,
  openPrometheus,
  prometheusOf,
  prometheusSummary,
  removePrometheus,
  sealPrometheus,
  setPrometheus,
  testPrometheus,
} from "./prometheus";
import { auditActions, contextOf, testTeam, type TestUser } from "./test-helpers";

// The team's Prometheus connection against a real Prometheus (Debian's) scraping a sandbox
// cluster's shop: sealed at rest, tested through the address guard, set, replaced and removed
// with audit events, and what the experiment engine reads back with prometheusOf.

let h: Harness;
let prom: TestPrometheus;
let owner: TestUser;
// Loopback is admitted as an operator would with PYSTOL_KUBE_ALLOWED_CIDRS=127.0.0.0/8 and
// PYSTOL_KUBE_ALLOW_HTTP; without it (the default) the same address is refused.
const loopbackAllowed = createAddressPolicy(["127.0.0.0/8"], true);
const defaults = createAddressPolicy([], false);

beforeAll(async () => {
  h = await startHarness();
  const c = await h.newCluster("demo");
  prom = await startShopPrometheus(c, h.server.caPem);
  ({ users: [owner] } = await testTeam("Priya"));
});
afterAll(async () => {
  prom?.close();
  await h?.close();
  await db.$disconnect();
});

describe("sealing", () => {
  it("round-trips a connection, keeps the token out of the ciphertext and refuses another purpose", () => {
    const conn = { url: "https://prometheus.example.com/prom", bearerToken: "s3cret-token-value" };
    const { prometheusCiphertext, prometheusKeyId, prometheusHost } = sealPrometheus(conn);
    expect(prometheusHost).toBe("prometheus.example.com");
    expect(prometheusKeyId).toBeTruthy();
    expect(Buffer.from(prometheusCiphertext).toString("latin1")).not.toContain("s3cret");
    expect(openPrometheus(prometheusCiphertext)).toEqual(conn);
    expect(openPrometheus(null)).toBeNull();
    expect(() => open(prometheusCiphertext, { context: "pystol:kubeconfig:v1" })).toThrow(/failed authentication/);
  });

  it("refuses a stored value of another shape without quoting it", () => {
    const odd = seal(JSON.stringify({ url: "https://p.example.com", token: "leak-me" }), { context: PROMETHEUS_SEAL_CONTEXT });
    expect(() => openPrometheus(odd)).toThrow("the stored Prometheus connection does not have the expected shape");
    const notJson = seal("leak-me{", { context: PROMETHEUS_SEAL_CONTEXT });
    expect(() => openPrometheus(notJson)).toThrow("the stored Prometheus connection is not valid JSON");
  });

  it("is re-sealed by key rotation under the new key", async () => {
    const k1 = randomBytes(32).toString("base64");
    const k2 = randomBytes(32).toString("base64");
    const oldRing = parseKeyRing(`k1:${k1}`);
    const newRing = parseKeyRing(`k1:${k1},k2:${k2}`, "k2");
    const row = {
      id: "t1",
      kubeconfigCiphertext: seal(JSON.stringify({ url: "https://p.example.com" }), { ring: oldRing, context: PROMETHEUS_SEAL_CONTEXT }) as Uint8Array,
      updatedAt: new Date(0),
    };
    let keyId = "k1";
    const store: RotationStore = {
      listStale: async (current) => (keyId === current ? [] : [row]),
      replace: async (_id, _at, ciphertext, kid) => {
        row.kubeconfigCiphertext = ciphertext;
        keyId = kid;
        return true;
      },
    };
    const report = await rotateKubeconfigKeys(store, { ring: newRing, context: PROMETHEUS_SEAL_CONTEXT });
    expect(report).toMatchObject({ resealed: 1, failed: [] });
    expect(keyId).toBe("k2");
    expect(JSON.parse(open(row.kubeconfigCiphertext, { ring: parseKeyRing(`k2:${k2}`), context: PROMETHEUS_SEAL_CONTEXT }).toString())).toEqual({ url: "https://p.example.com" });
  });
});

describe("the form's input", () => {
  it("validates the URL and the token with lib/checks' sentences", async () => {
    const ctx = await contextOf(owner, owner.teamSlug);
    const bad = await connectionFromForm(ctx, { url: "ftp://prometheus.example.com" }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(PrometheusConnectionError);
    expect((bad as PrometheusConnectionError).field).toBe("url");
    expect((bad as Error).message).toMatch(/http:\/\/ or https:\/\//);
    const creds = await connectionFromForm(ctx, { url: "https://user:pw@prometheus.example.com" }).catch((e: unknown) => e);
    expect((creds as Error).message).toMatch(/without credentials/);
    expect(await connectionFromForm(ctx, { url: " https://prometheus.example.com ", bearerToken: "" })).toEqual({ url: "https://prometheus.example.com" });
  });
});

describe("test connection", () => {
  it("reports the answer of a real Prometheus in a sentence", async () => {
    const r = await testPrometheus({ url: prom.url }, { policy: loopbackAllowed });
    expect(r.ok).toBe(true);
    expect(r.message).toMatch(/^Prometheus at 127\.0\.0\.1:\d+ answered the query vector\(1\) in \d+ ms\.$/);
  });

  it("refuses a private address unless the operator allows its range, as for kubeconfigs", async () => {
    const r = await testPrometheus({ url: prom.url }, { policy: defaults });
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/^Prometheus at 127\.0\.0\.1:\d+ could not be used: /);
    expect(r.message).toMatch(/PYSTOL_KUBE_ALLOWED_CIDRS/);
  });

  it("refuses to send a bearer token over plain http", async () => {
    const r = await testPrometheus({ url: prom.url, bearerToken: "tok" }, { policy: createAddressPolicy(["127.0.0.0/8"], false) });
    expect(r).toEqual({ ok: false, message: expect.stringMatching(/was not asked: a bearer token is only sent over https:\/\//) });
  });

  it("says what answered when the URL is not Prometheus's query API", async () => {
    const c = await h.newCluster("demo");
    const r = await testPrometheus({ url: `${c.server}/version` }, { policy: loopbackAllowed });
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/could not be used: /);
  });
});

describe("set, replace and remove", () => {
  it("stores only a connection that answered, sealed, and audits each change", async () => {
    const ctx = await contextOf(owner, owner.teamSlug);
    expect(await prometheusSummary(ctx)).toBeNull();
    expect(await prometheusOf(ctx.team.id)).toBeNull();

    const refused = await setPrometheus(ctx, { url: prom.url }, { policy: defaults }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PrometheusConnectionError);
    expect((refused as Error).message).toMatch(/Nothing was saved\.$/);
    expect(await prometheusOf(ctx.team.id)).toBeNull();

    await setPrometheus(ctx, { url: prom.url }, { policy: loopbackAllowed });
    const team = await db.team.findUniqueOrThrow({ where: { id: ctx.team.id } });
    expect(team.prometheusHost).toBe(new URL(prom.url).host);
    expect(team.prometheusKeyId).toBeTruthy();
    expect(await prometheusSummary(ctx)).toEqual({ host: new URL(prom.url).host, hasToken: false });
    expect(await prometheusOf(ctx.team.id)).toEqual({ url: prom.url });

    // What the engine does with it: a PromQL check on the shop's own metrics, through the team's Prometheus.
    const conn = (await prometheusOf(ctx.team.id))!;
    const check = parseCheck({ name: "frontend ready", type: "prometheus", query: 'sum(shop_ready_replicas{service="frontend"})', op: ">=", threshold: 3 });
    if (!check.ok) throw new Error(JSON.stringify(check.errors));
    let result = await evaluateCheck({ prometheus: conn, policy: loopbackAllowed }, check.check);
    for (let i = 0; i < 40 && result.outcome !== "pass"; i++) {
      await new Promise((r) => setTimeout(r, 250));
      result = await evaluateCheck({ prometheus: conn, policy: loopbackAllowed }, check.check);
    }
    expect(result).toMatchObject({ outcome: "pass", value: 3 });

    await setPrometheus(ctx, { url: `${prom.url}/` }, { policy: loopbackAllowed });
    expect(await removePrometheus(ctx)).toBe(true);
    expect(await removePrometheus(ctx)).toBe(false);
    expect(await prometheusSummary(ctx)).toBeNull();
    const cleared = await db.team.findUniqueOrThrow({ where: { id: ctx.team.id } });
    expect([cleared.prometheusCiphertext, cleared.prometheusKeyId, cleared.prometheusHost]).toEqual([null, null, null]);
    expect(await auditActions(owner.teamSlug)).toEqual(["team.prometheus.set", "team.prometheus.replaced", "team.prometheus.removed"]);
    const events = await db.auditEvent.findMany({ where: { teamId: ctx.team.id, action: { startsWith: "team.prometheus" } } });
    expect(JSON.stringify(events.map((e) => e.data))).not.toMatch(/bearer|token":"(?!none|set)/i);
    expect(events.map((e) => e.data)).toContainEqual({ host: new URL(prom.url).host, token: "none" });
  });

  it("keeps the stored token when a replace leaves the token field empty for the same host", async () => {
    const ctx = await contextOf(owner, owner.teamSlug);
    await db.team.update({ where: { id: ctx.team.id }, data: sealPrometheus({ url: "https://prometheus.example.com", bearerToken: "kept-token" }) });
    expect(await prometheusSummary(ctx)).toEqual({ host: "prometheus.example.com", hasToken: true });
    expect(await connectionFromForm(ctx, { url: "https://prometheus.example.com/", keepToken: true })).toEqual({ url: "https://prometheus.example.com/", bearerToken: "kept-token" });
    // Another host never receives the stored token.
    expect(await connectionFromForm(ctx, { url: "https://elsewhere.example.com", keepToken: true })).toEqual({ url: "https://elsewhere.example.com" });
    await removePrometheus(ctx);
  });
});
