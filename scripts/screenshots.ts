// npm run screenshots — real screenshots of the product for the landing page, taken in
// Debian's Chromium against a running stack (`npm run up`, or the browser-test stack):
// starts a trial, kills a pod of the shop when the run page can, and saves the pages that
// exist into public/screenshots/. SCREENSHOT_BASE_URL says where the stack is.
import { mkdirSync } from "node:fs";
import { chromium, type Page } from "@playwright/test";

const BASE = process.env.SCREENSHOT_BASE_URL ?? "http://127.0.0.1:3000";
const OUT = "public/screenshots";
mkdirSync(OUT, { recursive: true });

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ baseURL: BASE, viewport: { width: 1280, height: 800 }, extraHTTPHeaders: { "x-forwarded-for": "192.0.2.250" } });

async function shot(name: string, path: string, ready?: (p: Page) => Promise<unknown>): Promise<boolean> {
  const res = await page.goto(path);
  if (!res || res.status() !== 200) {
    console.log(`skip ${name}: ${path} answered ${res?.status()}`);
    return false;
  }
  if (await page.getByText(/^Coming soon/).count()) {
    console.log(`skip ${name}: ${path} is not built yet`);
    return false;
  }
  await ready?.(page);
  await page.waitForLoadState("networkidle").catch(() => undefined);
  await page.screenshot({ path: `${OUT}/${name}.png` });
  console.log(`saved ${OUT}/${name}.png (${path})`);
  return true;
}

await page.goto("/");
await page.getByRole("button", { name: /Try it now/ }).click();
await page.waitForURL(/\/t\/[^/]+\/clusters/);
const slug = new URL(page.url()).pathname.split("/")[2]!;
const clusterId = await page.getByRole("region", { name: "First experiment" }).getByRole("link", { name: "Open pod kill" }).getAttribute("href").then((h) => new URL(h!, BASE).searchParams.get("cluster")!);
await page.screenshot({ path: `${OUT}/trial.png` });
console.log(`saved ${OUT}/trial.png (the trial's first page, with the guide)`);
await page.getByRole("button", { name: "Hide guide" }).click();

const t = `/t/${slug}`;
await shot("cluster", `${t}/clusters/${clusterId}`);
await shot("pods", `${t}/clusters/${clusterId}/pods`);
await shot("graph", `${t}/clusters/${clusterId}/graph`);
await shot("actions", `${t}/actions`);
// A pod kill through the run page: the dry run, the finished run, and its shared page.
if (await shot("run", `${t}/run?action=pod-kill&cluster=${clusterId}`)) {
  await page.getByLabel("Namespace").fill("shop");
  await page.getByLabel("Label selector").fill("app=cart");
  await page.getByLabel("Pods to kill per round").fill("1");
  await page.getByRole("button", { name: "Plan" }).click();
  await page.getByText("Nothing has changed in the cluster yet.").waitFor();
  await page.screenshot({ path: `${OUT}/plan.png`, fullPage: true });
  console.log(`saved ${OUT}/plan.png (dry run of a pod kill)`);
  await page.getByRole("button", { name: "Start run" }).click();
  await page.waitForURL(/\/runs\/c[a-z0-9]+$/);
  const runId = new URL(page.url()).pathname.split("/").at(-1)!;
  await page.getByTestId("run-state").getByText("succeeded").waitFor({ timeout: 60_000 });
  await page.reload();
  await page.screenshot({ path: `${OUT}/result.png`, fullPage: true });
  console.log(`saved ${OUT}/result.png (a finished pod kill)`);
  const res = await page.request.post(`/api/v1/t/${slug}/runs/${runId}/share-links`, { data: { expiry: "7d" } });
  if (res.status() === 201) {
    const url = new URL(((await res.json()) as { shareLink: { url: string } }).shareLink.url);
    const other = await browser.newPage({ baseURL: BASE, viewport: { width: 1280, height: 800 } });
    await other.goto(url.pathname);
    await other.screenshot({ path: `${OUT}/shared.png` });
    console.log(`saved ${OUT}/shared.png (the shared result, signed out)`);
    await other.close();
  }
}
await shot("runs", `${t}/runs`);
await browser.close();
