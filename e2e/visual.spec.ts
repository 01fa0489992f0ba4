import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { newAccount, signUp } from "./helpers";
import { addSandboxCluster, createApiToken } from "./seed";
import { findLayoutProblems } from "./visual-checks";

// The main pages at desktop and phone width, in the light and the dark theme: nothing wider
// than the window, no content cut off by its box, no text under 11 px, and text that contrasts
// with its background (WCAG AA, axe-core's color-contrast rule). Set VISUAL_SHOTS_DIR to also
// keep a full-page screenshot of every page there, to look at.

const AXE = readFileSync(path.join(process.cwd(), "node_modules", "axe-core", "axe.min.js"), "utf8");
const SHOTS = process.env.VISUAL_SHOTS_DIR;

const SIZES = {
  desktop: { width: 1440, height: 900 },
  phone: { width: 390, height: 844 },
} as const;

interface World {
  signedIn: Awaited<ReturnType<BrowserContext["storageState"]>>;
  team: string;
  cluster: string;
  run: string;
  share: string;
  experiment: string;
  execution: string;
  executionShare: string;
}

// One team per test worker: a sandbox cluster with the demo shop, a finished pod kill and a
// share link of it.
let world: World | undefined;

async function makeWorld(browser: Browser, baseURL: string, workerIndex: number): Promise<World> {
  const context = await browser.newContext({ baseURL, extraHTTPHeaders: { "x-forwarded-for": `192.0.2.${100 + workerIndex}` } });
  const page = await context.newPage();
  const account = newAccount("Vera Visual");
  const slug = await signUp(page, account);
  const cluster = await addSandboxCluster(page, slug);
  const token = await createApiToken(slug, account.email, ["run"]);
  const auth = { authorization: `Bearer ${token}` };
  const started = await page.request.post(`/api/v1/t/${slug}/runs`, {
    headers: auth,
    data: { action: "pod-kill", cluster: cluster.clusterId, params: { namespace: "shop", labelSelector: "app=cart", count: 1 } },
  });
  expect(started.status(), await started.text()).toBe(201);
  const runId = ((await started.json()) as { run: { id: string } }).run.id;
  await page.goto(`/t/${slug}/runs/${runId}`);
  await expect(page.getByTestId("run-state")).toHaveText("succeeded", { timeout: 60_000 });
  const shared = await page.request.post(`/api/v1/t/${slug}/runs/${runId}/share-links`, { headers: auth, data: { expiry: "7d" } });
  expect(shared.status(), await shared.text()).toBe(201);
  const share = new URL(((await shared.json()) as { shareLink: { url: string } }).shareLink.url).pathname;
  // An experiment run to its verdict, and a share link of its execution.
  const definition = {
    description: "Checkout keeps answering while a cart pod is killed.",
    stages: [{ name: "lose a cart pod", faults: [{ actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart", count: 1, repeat: 3, intervalSeconds: 2 } }] }],
    checks: [
      { name: "checkout answers", type: "http", mode: "during", intervalSeconds: 1, target: { kind: "service", namespace: "shop", service: "frontend", port: "http", path: "/checkout" }, expect: { maxLatencyMs: 2000 } },
      { name: "cart available", type: "kubernetes", check: { condition: "workload-available", workload: "Deployment", namespace: "shop", name: "cart", minAvailable: 1 } },
    ],
    recoveryWindowSeconds: 30,
  };
  const created = await page.request.post(`/api/v1/t/${slug}/experiments`, { headers: auth, data: { name: "checkout survives a cart pod loss", cluster: cluster.clusterId, definition } });
  expect(created.status(), await created.text()).toBe(201);
  const experiment = ((await created.json()) as { experiment: { id: string } }).experiment.id;
  const ran = await page.request.post(`/api/v1/t/${slug}/experiments/${experiment}/run`, { headers: auth, data: {} });
  expect(ran.status(), await ran.text()).toBe(202);
  const execution = ((await ran.json()) as { execution: { id: string } }).execution.id;
  await page.goto(`/t/${slug}/experiments/${experiment}/executions/${execution}`);
  await expect(page.getByTestId("verdict")).toContainText("passed", { timeout: 120_000 });
  const sharedExecution = await page.request.post(`/api/v1/t/${slug}/executions/${execution}/share-links`, { headers: auth, data: { expiry: "7d" } });
  expect(sharedExecution.status(), await sharedExecution.text()).toBe(201);
  const executionShare = new URL(((await sharedExecution.json()) as { shareLink: { url: string } }).shareLink.url).pathname;
  const signedIn = await context.storageState();
  await context.close();
  return { signedIn, team: slug, cluster: cluster.clusterId, run: runId, share, experiment, execution, executionShare };
}

function pages(w: World): { name: string; path: string; signedOut?: boolean }[] {
  const t = `/t/${w.team}`;
  const c = `${t}/clusters/${w.cluster}`;
  return [
    { name: "landing", path: "/", signedOut: true },
    { name: "signin", path: "/signin", signedOut: true },
    { name: "share", path: w.share, signedOut: true },
    { name: "overview", path: t },
    { name: "clusters", path: `${t}/clusters` },
    { name: "cluster", path: c },
    { name: "namespaces", path: `${c}/namespaces` },
    { name: "nodes", path: `${c}/nodes` },
    { name: "pods", path: `${c}/pods` },
    { name: "events", path: `${c}/events` },
    { name: "graph", path: `${c}/graph?ns=shop` },
    { name: "risks", path: `${c}/risks` },
    { name: "run", path: `${t}/run?action=pod-kill&cluster=${w.cluster}` },
    { name: "executed", path: `${t}/runs` },
    { name: "a-run", path: `${t}/runs/${w.run}` },
    { name: "settings", path: `${t}/settings` },
    { name: "experiments", path: `${t}/experiments` },
    { name: "experiment-new", path: `${t}/experiments/new` },
    { name: "templates", path: `${t}/experiments/templates` },
    { name: "template", path: `${t}/experiments/templates/node-lost?nodeName=general-c-1&podSelector=app%3Dcheckout` },
    { name: "experiment", path: `${t}/experiments/${w.experiment}` },
    { name: "experiment-edit", path: `${t}/experiments/${w.experiment}/edit` },
    { name: "an-execution", path: `${t}/experiments/${w.experiment}/executions/${w.execution}` },
    { name: "resilience", path: `${t}/resilience` },
    { name: "schedules", path: `${t}/schedules` },
    { name: "audit", path: `${t}/settings/audit` },
    { name: "shared-execution", path: w.executionShare, signedOut: true },
  ];
}

/** The page's contrast failures by axe-core's color-contrast rule (WCAG AA), one line each. */
async function contrastProblems(page: Page): Promise<string[]> {
  // Evaluated through the debugging protocol, so the page's Content-Security-Policy does not apply.
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    type AxeNode = { target: string[]; any: { data?: { contrastRatio?: number; expectedContrastRatio?: string; fgColor?: string; bgColor?: string } }[]; html: string };
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { nodes: AxeNode[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: "rule", values: ["color-contrast"] }, resultTypes: ["violations"] });
    return result.violations.flatMap((v) =>
      v.nodes.map((n) => {
        const d = n.any[0]?.data ?? {};
        return `contrast ${d.contrastRatio} < ${d.expectedContrastRatio} (${d.fgColor} on ${d.bgColor}): ${n.target.join(" ")} ${n.html.slice(0, 80)}`;
      }),
    );
  });
}

for (const [size, viewport] of Object.entries(SIZES)) {
  for (const colorScheme of ["light", "dark"] as const) {
    test(`${size} ${colorScheme}: the main pages fit the window, keep text readable and contrasting`, async ({ browser, baseURL }, info) => {
      test.setTimeout(240_000);
      world ??= await makeWorld(browser, baseURL!, info.workerIndex);
      const w = world;
      const contexts = {
        in: await browser.newContext({ baseURL, viewport, colorScheme, storageState: w.signedIn }),
        out: await browser.newContext({ baseURL, viewport, colorScheme }),
      };
      const problems: string[] = [];
      for (const p of pages(w)) {
        const page = await contexts[p.signedOut ? "out" : "in"].newPage();
        const res = await page.goto(p.path);
        expect(res?.status(), `${p.name} (${p.path})`).toBe(200);
        await expect(page.locator("h1").first()).toBeVisible();
        await expect.poll(() => page.evaluate(() => document.fonts.status)).toBe("loaded");
        const found = [...(await page.evaluate(findLayoutProblems)), ...(await contrastProblems(page))];
        problems.push(...found.map((f) => `${p.name}: ${f}`));
        if (SHOTS) {
          mkdirSync(SHOTS, { recursive: true });
          await page.screenshot({ path: path.join(SHOTS, `${size}-${colorScheme}-${p.name}.png`), fullPage: true });
        }
        await page.close();
      }
      await contexts.in.close();
      await contexts.out.close();
      expect(problems).toEqual([]);
    });
  }
}
