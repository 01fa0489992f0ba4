// npm run screenshots — the product screenshots of the landing page and the README, taken in
// Debian's Chromium against a running stack (`npm run up`, or the browser-test stack): starts a
// trial, kills a pod of the shop through the run page, shares the run, and saves each page in
// the light and the dark theme into public/screenshots/ (NAME.png and NAME-dark.png), at the
// sizes app/_components/site/screenshots.ts declares. SCREENSHOT_BASE_URL says where the stack is.
//
// Every picture is the window, scrolled to the top, never a "full page" capture: a full-page
// capture of a scrolled page draws the sticky header where the window was, in the middle of
// the picture.
import { mkdirSync } from "node:fs";
import { chromium, type Page } from "@playwright/test";
import { SCREENSHOTS } from "../app/_components/site/screenshots";

const BASE = process.env.SCREENSHOT_BASE_URL ?? "http://127.0.0.1:3000";
const OUT = "public/screenshots";
mkdirSync(OUT, { recursive: true });

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ baseURL: BASE, viewport: { width: 1280, height: 800 }, extraHTTPHeaders: { "x-forwarded-for": "192.0.2.250" } });
const page = await context.newPage();

/** Saves the page as NAME.png and NAME-dark.png, at the size the landing page declares for it. */
async function shot(p: Page, name: string): Promise<void> {
  const size = SCREENSHOTS.find((s) => s.src === `/screenshots/${name}.png`) ?? { width: 1280, height: 800 };
  await p.setViewportSize({ width: size.width, height: size.height });
  for (const scheme of ["light", "dark"] as const) {
    await p.emulateMedia({ colorScheme: scheme });
    await p.evaluate(() => window.scrollTo(0, 0));
    const file = `${OUT}/${name}${scheme === "dark" ? "-dark" : ""}.png`;
    await p.screenshot({ path: file });
    console.log(`saved ${file}`);
  }
  await p.emulateMedia({ colorScheme: "light" });
}

await page.goto("/");
await page.getByRole("button", { name: /Try it now/ }).click();
await page.waitForURL(/\/t\/[^/]+\/clusters\/c[a-z0-9]+$/, { timeout: 60_000 });
const slug = new URL(page.url()).pathname.split("/")[2]!;
const clusterPath = new URL(page.url()).pathname;
const clusterId = clusterPath.split("/").at(-1)!;
await shot(page, "trial");
await page.getByRole("button", { name: "Hide guide" }).click();
await page.getByRole("button", { name: "Resume the first-experiment guide" }).waitFor();

await page.goto(clusterPath);
await page.getByRole("img", { name: "Pods by phase" }).waitFor();
await shot(page, "dashboard");

// A pod kill through the run page: the dry run, the finished run, and its shared page.
await page.goto(`/t/${slug}/run?action=pod-kill&cluster=${clusterId}`);
await page.getByLabel("Namespace").fill("shop");
await page.getByLabel("Label selector").fill("app=cart");
await page.getByRole("button", { name: "Plan" }).click();
await page.getByTestId("plan").waitFor();
await shot(page, "plan");
await page.getByRole("button", { name: "Start run" }).click();
await page.waitForURL(/\/runs\/c[a-z0-9]+$/);
const runId = new URL(page.url()).pathname.split("/").at(-1)!;
await page.getByTestId("run-state").getByText("succeeded").waitFor({ timeout: 60_000 });
await page.reload();
await page.getByTestId("run-state").getByText("succeeded").waitFor();
await shot(page, "result");

const res = await page.request.post(`/api/v1/t/${slug}/runs/${runId}/share-links`, { data: { expiry: "7d" } });
if (res.status() !== 201) throw new Error(`creating the share link answered ${res.status()}: ${await res.text()}`);
const url = new URL(((await res.json()) as { shareLink: { url: string } }).shareLink.url);
const signedOut = await browser.newPage({ baseURL: BASE });
await signedOut.goto(url.pathname);
await shot(signedOut, "shared");
await browser.close();
