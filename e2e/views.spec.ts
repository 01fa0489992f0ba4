import { randomBytes } from "node:crypto";
import { PatchStrategy, setHeaderOptions, type AppsV1Api, type CoreV1Api } from "@kubernetes/client-node";
import type { Page } from "@playwright/test";
import { parseKubeconfig, sealKubeconfig } from "@/lib/kube";
import type { CreateClusterRequest } from "@/lib/sandbox/admin-client";
import { expect as baseExpect, test } from "./fixtures";
import { newAccount, signUp } from "./helpers";
import { kubeClients, sandboxAdmin, sql } from "./seed";

// The cluster views against a real sandbox cluster seeded with the demo shop. The cluster row
// is written straight into the database (connecting through the UI is tested elsewhere); the
// test reads and changes the cluster as an outsider would, with its own client.

// The stack under test lets user clusters reach the sandbox on loopback; so does this process,
// which parses the sandbox's kubeconfig like an upload.
process.env.PYSTOL_KUBE_ALLOWED_CIDRS = "127.0.0.1/32";
// next dev compiles each page on first visit, on a machine shared with other suites.
test.describe.configure({ timeout: 240_000 });

// First visits compile pages under next dev on a loaded machine: navigations get more time.
const expect = baseExpect.configure({ timeout: 60_000 });
// Checks retried with Refresh until the sandbox has settled.
const quick = baseExpect.configure({ timeout: 5_000 });

const id = () => `clv${randomBytes(10).toString("hex")}`;

interface TestCluster {
  base: string;
  clusterId: string;
  teamId: string;
  core: CoreV1Api;
  apps: AppsV1Api;
}

/** A team's sandbox cluster with the demo shop (or a kubeconfig cluster with the given token). */
async function addCluster(
  slug: string,
  opts: { kind?: "SANDBOX" | "KUBECONFIG"; token?: string; sandboxId?: string; access?: CreateClusterRequest["access"] } = {},
): Promise<TestCluster> {
  const created = opts.sandboxId ? null : await sandboxAdmin().createCluster({ seed: "demo", access: opts.access });
  const sandboxId = opts.sandboxId ?? created!.id;
  const [team] = await sql<{ id: string }>(`SELECT id FROM "Team" WHERE slug = $1`, [slug]);
  const clusterId = id();
  if (opts.kind === "KUBECONFIG") {
    const config = parseKubeconfig(created!.kubeconfig).config!;
    if (opts.token) config.user.token = opts.token;
    const sealed = sealKubeconfig(config);
    await sql(
      `INSERT INTO "Cluster" (id, "teamId", name, kind, "kubeconfigCiphertext", "kubeconfigKeyId", "serverHost", status, "createdAt", "updatedAt")
       VALUES ($1, $2, $3, 'KUBECONFIG', $4, $5, 'uploaded.example', 'CONNECTED', now(), now())`,
      [clusterId, team!.id, `kc-${clusterId.slice(-6)}`, sealed.ciphertext, sealed.keyId],
    );
  } else {
    await sql(
      `INSERT INTO "Cluster" (id, "teamId", name, kind, "sandboxClusterId", "serverHost", status, "createdAt", "updatedAt")
       VALUES ($1, $2, $3, 'SANDBOX', $4, 'sandbox', 'CONNECTED', now(), now())`,
      [clusterId, team!.id, `demo-${clusterId.slice(-6)}`, sandboxId],
    );
  }
  // A cluster row pointing at a virtual cluster that is gone has no client to test with.
  const { core, apps } = kubeClients(created?.kubeconfig ?? (await sandboxAdmin().createCluster({ seed: "empty" })).kubeconfig);
  return { base: `/t/${slug}/clusters/${clusterId}`, clusterId, teamId: team!.id, core, apps };
}

async function refresh(page: Page) {
  await page.getByTestId("freshness").getByRole("link", { name: "Refresh" }).click();
  await page.waitForLoadState("load");
}

/** Reloads (with Refresh) until the check passes: the sandbox settles pods within seconds. */
async function eventually(page: Page, check: () => Promise<void>) {
  await expect(async () => {
    await refresh(page);
    await check();
  }).toPass({ timeout: 120_000 });
}

test("overview: nodes, pods by phase, requested vs allocatable charts, live usage, recent runs linking to the run", async ({ page }) => {
  const slug = await signUp(page, newAccount("Grace Hopper"));
  const c = await addCluster(slug);
  const runId = id();
  await sql(
    `INSERT INTO "Run" (id, "teamId", "clusterId", "actionId", params, state, "queuedAt") VALUES ($1, $2, $3, 'pod-kill', '{}', 'SUCCEEDED', now())`,
    [runId, c.teamId, c.clusterId],
  );
  await page.goto(c.base);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("demo-");
  const tabs = page.getByRole("navigation", { name: "Cluster" });
  for (const t of ["Overview", "Namespaces", "Nodes", "Pods", "Events", "Graph", "Risks", "Settings"]) await expect(tabs.getByRole("link", { name: t })).toBeVisible();
  await expect(tabs.getByRole("link", { name: "Settings" })).toHaveAttribute("href", `${c.base}/settings`);
  await expect(page.getByText("Nodes ready")).toBeVisible();
  await expect(page.getByText("7 / 7")).toBeVisible();
  await eventually(page, async () => quick(page.getByRole("img", { name: "Pods by phase" })).toBeVisible());
  await expect(page.getByRole("img", { name: "Cluster CPU and memory requested versus allocatable" }).or(page.getByRole("img", { name: "Cluster CPU requested versus allocatable" }))).toBeVisible();
  await expect(page.getByRole("img", { name: "CPU and memory requested versus allocatable per node" })).toBeVisible();
  // The sandbox serves metrics.k8s.io: live usage is drawn, no "not available" note.
  await expect(page.getByText("used now (metrics.k8s.io)").first()).toBeVisible();
  await expect(page.getByTestId("usage-note")).toHaveCount(0);
  await expect(page.getByTestId("freshness")).toContainText("Read from the cluster");
  await expect(page.getByRole("link", { name: "Kill pods" })).toHaveAttribute("href", `/t/${slug}/runs/${runId}`);

  // A run's state reads as on Executed ("rolled back", in its colour), on one line on a phone too.
  await sql(
    `INSERT INTO "Run" (id, "teamId", "clusterId", "actionId", params, state, "queuedAt") VALUES ($1, $2, $3, 'node-drain', '{}', 'ROLLED_BACK', now())`,
    [id(), c.teamId, c.clusterId],
  );
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  const badge = page.getByRole("row").filter({ hasText: "Drain nodes" }).getByText("rolled back", { exact: true });
  await expect(badge).toHaveClass(/amber/);
  expect((await badge.boundingBox())!.height).toBeLessThan(24);
});

test("namespaces show status, pod counts and the team's protected namespaces", async ({ page }) => {
  const slug = await signUp(page, newAccount("Barbara Liskov"));
  const c = await addCluster(slug);
  await page.goto(`${c.base}/namespaces`);
  const shop = page.getByRole("row").filter({ hasText: /^shop\b/ }).first();
  await expect(shop).toContainText("Active");
  await expect(page.getByRole("row").filter({ hasText: "kube-system" })).toContainText("protected");
  await expect(shop).not.toContainText("protected");
  await eventually(page, async () => quick(page.getByRole("row").filter({ has: page.getByRole("link", { name: "shop", exact: true }) })).toContainText(/Active\s*18/));
  await page.getByRole("link", { name: "shop", exact: true }).click();
  await expect(page).toHaveURL(/\/pods\?namespace=shop$/);
  await expect(page.getByTestId("pod-row").first()).toContainText("shop");
});

test("nodes show conditions, cordons, taints, pod counts and bars, and link to their pods", async ({ page }) => {
  const slug = await signUp(page, newAccount("Frances Allen"));
  const c = await addCluster(slug);
  await c.core.patchNode({ name: "general-b-1", body: { spec: { unschedulable: true } } }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
  await page.goto(`${c.base}/nodes`);
  const control = page.getByRole("row").filter({ hasText: "system-a-1" });
  await expect(control).toContainText("node-role.kubernetes.io/control-plane:NoSchedule");
  await expect(control).toContainText("Ready");
  await expect(page.getByRole("row").filter({ hasText: "general-b-1" })).toContainText("cordoned");
  await expect(page.getByRole("img", { name: "CPU of general-a-1" })).toBeVisible();
  await expect(page.getByRole("img", { name: "Memory of data-a-1" })).toBeVisible();
  // On a desktop the whole table fits its card: the long control-plane taint breaks inside its
  // column instead of pushing CPU and memory out of sight behind a scroll bar.
  await page.setViewportSize({ width: 1440, height: 900 });
  const box = page.getByRole("table").locator("xpath=..");
  await expect.poll(() => box.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
  const taint = control.getByText("node-role.kubernetes.io/control-plane:NoSchedule");
  expect(await taint.evaluate((el) => el.scrollWidth - el.clientWidth), "the taint stays inside its cell").toBeLessThanOrEqual(0);
  const data = page.getByRole("row").filter({ hasText: "data-a-1" });
  await data.getByRole("link", { name: /pods$/ }).click();
  await expect(page).toHaveURL(/\/pods\?node=data-a-1$/);
  await expect(page.getByTestId("pod-row").first()).toContainText("data-a-1");
  for (const row of await page.getByTestId("pod-row").all()) await expect(row).toContainText("data-a-1");
});

test("pods filter by namespace, labels, phase and node, search by name, and page with limit/continue", async ({ page }) => {
  const slug = await signUp(page, newAccount("Edsger Dijkstra"));
  const c = await addCluster(slug);
  // 60 more pods in a namespace of their own, so the list needs a second page.
  await c.core.createNamespace({ body: { metadata: { name: "load" } } });
  await c.apps.createNamespacedDeployment({
    namespace: "load",
    body: {
      metadata: { name: "filler" },
      spec: {
        replicas: 60,
        selector: { matchLabels: { app: "filler" } },
        template: { metadata: { labels: { app: "filler" } }, spec: { containers: [{ name: "c", image: "x", resources: { requests: { cpu: "1m", memory: "1Mi" } } }] } },
      },
    },
  });
  await page.goto(`${c.base}/pods?namespace=load`);
  await eventually(page, async () => quick(page.getByRole("link", { name: "Next page →" })).toBeVisible());
  await expect(page.getByText("50 pods on this page")).toBeVisible();
  await expect(page.getByTestId("pod-row").first()).toContainText("Deployment/filler");
  await page.getByRole("link", { name: "Next page →" }).click();
  await expect(page.getByTestId("pod-row")).toHaveCount(10);
  await expect(page.getByRole("link", { name: "Next page →" })).toHaveCount(0);
  await page.getByRole("link", { name: "← First page" }).click();
  await expect(page.getByTestId("pod-row")).toHaveCount(50);

  await page.goto(`${c.base}/pods`);
  await page.getByLabel("Namespace").fill("shop");
  await page.getByLabel("Label selector").fill("app=cart");
  await page.getByLabel("Phase").selectOption("Running");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("pod-row")).toHaveCount(2);
  for (const row of await page.getByTestId("pod-row").all()) await expect(row).toContainText(/cart-.*Running/s);

  await page.goto(`${c.base}/pods`);
  await page.getByLabel("Name contains").fill("checkout");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("pod-row")).toHaveCount(2);
  await expect(page.getByTestId("pod-row").first()).toContainText("Deployment/checkout");

  await page.goto(`${c.base}/pods?node=general-a-1&phase=Running`);
  for (const row of await page.getByTestId("pod-row").all()) await expect(row).toContainText("general-a-1");

  // A selector the cluster refuses is explained on the page, with the filter kept.
  await page.goto(`${c.base}/pods?labels=${encodeURIComponent("app in (")}`);
  await expect(page.getByTestId("view-problem")).toContainText("The cluster refused this query");
  await expect(page.getByLabel("Label selector")).toHaveValue("app in (");
});

test("events are newest first and filter by namespace and type", async ({ page }) => {
  const slug = await signUp(page, newAccount("Margaret Hamilton"));
  const c = await addCluster(slug);
  const t0 = Date.now();
  for (const [i, type] of (["Normal", "Warning", "Warning"] as const).entries()) {
    await c.core.createNamespacedEvent({
      namespace: "shop",
      body: {
        metadata: { name: `probe.${i}` },
        involvedObject: { kind: "Pod", namespace: "shop", name: "cart-x" },
        reason: `Probe${i}`,
        message: `probe event ${i}`,
        type,
        count: 1,
        lastTimestamp: new Date(t0 + 60_000 * (i + 1)),
        firstTimestamp: new Date(t0 + 60_000 * (i + 1)),
      },
    });
  }
  await page.goto(`${c.base}/events?namespace=shop`);
  await expect(page.getByTestId("event-row").first()).toContainText("Probe2");
  await expect(page.getByTestId("event-row").nth(1)).toContainText("Probe1");
  await page.getByLabel("Type").selectOption("Warning");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/type=Warning/);
  for (const row of await page.getByTestId("event-row").all()) await expect(row).toContainText("Warning");
  await expect(page.getByText("Probe0")).toHaveCount(0);
});

test("graph: namespaces expand to workloads and pods, search narrows, a run's pods are highlighted", async ({ page }) => {
  const slug = await signUp(page, newAccount("Donald Knuth"));
  const c = await addCluster(slug);
  await page.goto(`${c.base}/graph`);
  await eventually(page, async () => quick(page.getByTestId("graph")).toBeVisible());
  await expect(page.getByTestId("graph-namespace")).toHaveCount(4);
  await expect(page.getByTestId("graph-workload")).toHaveCount(0);
  await page.getByRole("link", { name: "Expand namespace shop", exact: true }).click();
  await expect(page.getByTestId("graph-workload")).toHaveCount(10);
  await page.getByRole("link", { name: "Expand workload checkout" }).click();
  await expect(page.getByTestId("graph-pod")).toHaveCount(2);
  await expect(page.getByTestId("graph-node").first()).toBeVisible();
  await page.getByRole("link", { name: "Collapse workload checkout" }).click();
  await expect(page.getByTestId("graph-pod")).toHaveCount(0);

  await page.getByLabel("Search namespaces and workloads").fill("catalog");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByTestId("graph-workload")).toHaveCount(2); // catalog (shop), catalog-db (shop-data)

  // A run that killed one cart pod: the graph opened from the run highlights its path.
  const pods = await c.core.listNamespacedPod({ namespace: "shop", labelSelector: "app=cart" });
  const victim = pods.items[0]!.metadata!.name!;
  const runId = id();
  await sql(`INSERT INTO "Run" (id, "teamId", "clusterId", "actionId", params, state, "queuedAt") VALUES ($1, $2, $3, 'pod-kill', '{}', 'SUCCEEDED', now())`, [runId, c.teamId, c.clusterId]);
  await sql(`INSERT INTO "RunStep" (id, "runId", "teamId", index, name, state, target) VALUES ($1, $2, $3, 0, 'delete pod', 'SUCCEEDED', $4)`, [
    id(),
    runId,
    c.teamId,
    JSON.stringify({ kind: "Pod", namespace: "shop", name: victim }),
  ]);
  await page.goto(`${c.base}/graph?run=${runId}`);
  await expect(page.getByText("Highlighting what run")).toBeVisible();
  await expect(page.locator('[data-testid="graph-namespace"][data-hit="true"]')).toHaveCount(1);
  await page.getByRole("link", { name: "Expand namespace shop", exact: true }).click();
  await expect(page.locator('[data-testid="graph-workload"][data-hit="true"]')).toContainText("cart");
  // Another team's run id highlights nothing.
  await page.goto(`${c.base}/graph?run=${id()}`);
  await expect(page.getByText("That run is not one of this cluster's runs")).toBeVisible();
});

test("hostile annotations, event reasons, objects and messages are shown as text and never run", async ({ page }) => {
  // Names and label values cannot carry markup (the API server validates them); annotations and
  // everything in an event can.
  const slug = await signUp(page, newAccount("Mallory"));
  const c = await addCluster(slug);
  const payload = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;
  await c.core.createNamespace({ body: { metadata: { name: "hostile" } } });
  await c.core.createNamespacedPod({
    namespace: "hostile",
    body: {
      metadata: { name: "evil", labels: { app: "evil" }, annotations: { note: payload, "x.io/svg": `<svg onload="window.__pwned=3"></svg>` } },
      spec: { containers: [{ name: "c", image: "x" }] },
    },
  });
  await c.core.createNamespacedEvent({
    namespace: "hostile",
    body: {
      metadata: { name: "evil.1" },
      involvedObject: { kind: "Pod", namespace: "hostile", name: `<i onmouseover="window.__pwned=4">evil</i>` },
      reason: "<u>Boom</u>",
      message: payload,
      type: "Warning",
      lastTimestamp: new Date(),
    },
  });
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });

  await page.goto(`${c.base}/pods?namespace=hostile`);
  await page.getByText("2 annotations").click();
  await expect(page.getByText(payload)).toBeVisible();
  await expect(page.getByText(`<svg onload="window.__pwned=3"></svg>`)).toBeVisible();
  await page.goto(`${c.base}/events?namespace=hostile`);
  await expect(page.getByText(payload)).toBeVisible();
  await expect(page.getByText("<u>Boom</u>")).toBeVisible();
  await expect(page.getByText(`Pod/<i onmouseover="window.__pwned=4">evil</i>`)).toBeVisible();
  await page.getByText(payload).hover();
  for (const p of ["", "/nodes", "/namespaces", "/graph?ns=hostile"]) await page.goto(`${c.base}${p}`);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
  await page.goto(`${c.base}/events?namespace=hostile`);
  await expect(page.locator("main img, main script, main svg[onload], main i[onmouseover], main u")).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});

test("an unreachable cluster and an expired credential are explained on the page, not an error page; an uploaded kubeconfig works", async ({ page }) => {
  const slug = await signUp(page, newAccount("Ken Thompson"));
  // A kubeconfig cluster: the views work through it as through the sandbox link.
  const good = await addCluster(slug, { kind: "KUBECONFIG" });
  await page.goto(`${good.base}/nodes`);
  await expect(page.getByRole("row").filter({ hasText: "general-a-1" })).toContainText("Ready");

  const expired = await addCluster(slug, { kind: "KUBECONFIG", token: "expired-token-0000000000" });
  for (const p of ["", "/pods", "/events", "/graph", "/nodes", "/namespaces"]) {
    const res = await page.goto(`${expired.base}${p}`);
    expect(res?.status(), p).toBe(200);
    await expect(page.getByTestId("view-problem")).toContainText("no longer accepts the stored credentials");
    await expect(page.getByTestId("view-problem")).toContainText("Upload a fresh kubeconfig");
  }

  const gone = await sandboxAdmin().createCluster({ seed: "empty" });
  await sandboxAdmin().deleteCluster(gone.id);
  const orphan = await addCluster(slug, { sandboxId: gone.id });
  for (const p of ["", "/pods", "/graph"]) {
    const res = await page.goto(`${orphan.base}${p}`);
    expect(res?.status(), p).toBe(200);
    await expect(page.getByTestId("view-problem")).toContainText("could not be reached");
  }
  await expect(page.getByText(/127\.0\.0\.1|6444|Bearer/)).toHaveCount(0);
});

test("credentials that may not list events, and a cluster without metrics.k8s.io, are explained on the page", async ({ page }) => {
  const slug = await signUp(page, newAccount("Frances Allen"));
  const narrow = await addCluster(slug, { kind: "KUBECONFIG", access: { deny: ["events"], metricsServer: false } });
  const res = await page.goto(`${narrow.base}/events`);
  expect(res?.status()).toBe(200);
  await expect(page.getByTestId("view-problem")).toContainText("The credentials may not read the events");
  await expect(page.getByTestId("view-problem")).toContainText("Grant the credentials list access");

  // The overview draws what it can read and says plainly why live usage is missing.
  await page.goto(narrow.base);
  await expect(page.getByText("7 / 7")).toBeVisible();
  await expect(page.getByTestId("usage-note")).toContainText("does not serve metrics.k8s.io");
  await expect(page.getByText("used now (metrics.k8s.io)")).toHaveCount(0);
  await expect(page.getByTestId("view-problem")).toHaveCount(0);
});
