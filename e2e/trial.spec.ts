import { randomUUID } from "node:crypto";
import { test, expect } from "./fixtures";
import { alertBox, mailedLink } from "./helpers";
import { sandboxAdmin, sql } from "./seed";

// "Try it now" in Chromium against the whole stack (web, worker, sandbox): no account needed.

// These tests walk through many pages; under `next dev` each first visit compiles the page.
test.describe.configure({ timeout: 180_000 });

test("the landing page says what Pystol is and links to the trial, sign-up, the guide and the FAQ", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Kubernetes");
  await expect(page.getByRole("button", { name: "Try it now — no sign-up" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Create an account" })).toHaveAttribute("href", "/signup");
  const shots = page.getByRole("region", { name: "Screenshots" }).getByRole("img");
  expect(await shots.count()).toBeGreaterThan(0);
  // Every screenshot loads (those below the fold load lazily, once scrolled to).
  for (const img of await shots.all()) {
    await img.scrollIntoViewIfNeeded();
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
  }

  await page.getByRole("navigation", { name: "Site" }).getByRole("link", { name: "FAQ" }).click();
  await expect(page.getByRole("heading", { name: "Frequently asked questions" })).toBeVisible();
  await expect(page.getByText("How long does a trial last, and what are its limits?")).toBeVisible();
  await page.getByRole("navigation", { name: "Site" }).getByRole("link", { name: "Docs" }).click();
  await expect(page.getByRole("heading", { name: "Pystol guide" })).toBeVisible();
  await page.getByRole("link", { name: "Experiments in detail" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Experiments" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "The resilience score" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "a person aborted it" })).toBeVisible();
});

test("Try it now opens a private sandbox cluster with the guide, without signing up", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("button", { name: "Try it now — no sign-up" }).click();
  await page.waitForURL(/\/t\/trial-[a-z0-9-]+\/clusters\/c[a-z0-9]+$/);
  // The trial's cluster overview.
  await expect(page.getByRole("heading", { level: 1, name: "demo-shop" })).toBeVisible();
  await expect(page.getByText(/this team, its sandbox cluster and its runs are deleted in 1 h 59 min|2 hours/)).toBeVisible();

  // The guide starts at its first step, which leads to the experiment that passes, created
  // with the trial on its cluster.
  const guide = page.getByRole("region", { name: "First experiment" });
  await expect(guide.getByText("0 of 4 steps done.")).toBeVisible();
  await expect(guide.getByText("checkout stays under 300 ms while a cart pod is killed")).toBeVisible();
  await expect(guide.getByRole("link", { name: "Open the experiment" })).toHaveAttribute("href", /\/t\/trial-[a-z0-9-]+\/experiments\/c[a-z0-9]+$/);

  // Hidden and resumed; the choice is kept across page loads.
  await guide.getByRole("button", { name: "Hide guide" }).click();
  await expect(guide).toBeHidden();
  await page.reload();
  await expect(page.getByRole("region", { name: "First experiment" })).toBeHidden();
  await page.getByRole("button", { name: "Resume the first-experiment guide" }).click();
  await expect(page.getByRole("region", { name: "First experiment" }).getByText("0 of 4 steps done.")).toBeVisible();
});

test("a trial becomes an account with a password and keeps its cluster", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("button", { name: "Try it now — no sign-up" }).click();
  await page.waitForURL(/\/t\/trial-[a-z0-9-]+\/clusters\/c[a-z0-9]+$/);
  const overview = new URL(page.url()).pathname;
  const slug = overview.split("/")[2]!;
  await page.getByRole("link", { name: "Keep this trial" }).click();

  const email = `${randomUUID().slice(0, 8)}@example.test`;
  await page.getByLabel("Name").fill("Grace Hopper");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByRole("button", { name: "Keep this trial" }).click();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await expect(page.getByLabel("Name")).toHaveValue("Grace Hopper");

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByRole("button", { name: "Keep this trial" }).click();
  await expect(page.getByTestId("link-sent")).toContainText(email);
  // The trial is kept once the address is confirmed from the mail.
  await page.goto(await mailedLink(email, "/verify-email/"));
  await expect(page.getByText("to keep your trial under it")).toBeVisible();
  await page.getByRole("button", { name: "Confirm my address" }).click();
  await page.waitForURL(`/t/${slug}`);
  await expect(page.getByRole("heading", { level: 1, name: "Grace's team" })).toBeVisible();
  await expect(page.getByText(/are deleted in/)).toBeHidden();
  await page.goto(overview);
  await expect(page.getByRole("heading", { level: 1, name: "demo-shop" })).toBeVisible();

  // The new password signs in.
  await page.getByTestId("user-menu").click();
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.waitForURL(/\/signin/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`/t/${slug}`);
});

test("one address may start only so many trials an hour, and is told why", async ({ page }) => {
  // The default limit is 5 an hour; this test's own address starts them.
  for (let i = 0; i < 5; i++) {
    const res = await page.request.post("/try", { maxRedirects: 0 });
    expect(res.status()).toBe(303);
    expect(res.headers().location).toMatch(/\/t\/trial-/);
  }
  // Each of those signed the context in as a guest: be a new visitor again (same address).
  await page.context().clearCookies();
  await page.goto("/");
  await page.getByRole("button", { name: "Try it now — no sign-up" }).click();
  await page.waitForURL(/\/\?trial=per-ip/);
  await expect(alertBox(page)).toHaveText(/^Your address has started 5 trials in the last hour, the most we allow\. Try again in \d+ minutes, or create a free account\.$/);
});

test("a trial cannot be started from another site", async ({ page }) => {
  const res = await page.request.post("/try", { maxRedirects: 0, headers: { origin: "https://attacker.example" } });
  expect(res.status()).toBe(403);
});

test("from the landing page to a finished, shared pod-kill run without an account; at expiry it is all gone", async ({ page, browser, baseURL }) => {
  await page.goto("/");
  await page.getByRole("button", { name: "Try it now — no sign-up" }).click();
  await page.waitForURL(/\/t\/trial-[a-z0-9-]+\/clusters\/c[a-z0-9]+$/);
  const [, , slug, , clusterId] = new URL(page.url()).pathname.split("/");

  // The pod-kill form on the trial's cluster.
  await page.goto(`/t/${slug}/run?action=pod-kill&cluster=${clusterId}`);
  await page.getByLabel("Namespace").fill("shop");
  await page.getByLabel("Label selector").fill("app=cart");
  await page.getByLabel("Pods to kill per round").fill("1");
  await page.getByRole("button", { name: "Plan" }).click();
  await expect(page.getByText("Nothing has changed in the cluster yet.")).toBeVisible();
  await page.getByRole("button", { name: "Start run" }).click();
  await page.waitForURL(/\/runs\/c[a-z0-9]+$/);
  const runId = new URL(page.url()).pathname.split("/").at(-1)!;
  await expect(page.getByTestId("run-state")).toHaveText("succeeded", { timeout: 60_000 });

  // Share it (with the guest's session; the run page's share button is the API's).
  // A session changes things through the API only from the app's own origin, as a page's fetch does.
  const res = await page.request.post(`/api/v1/t/${slug}/runs/${runId}/share-links`, { data: { expiry: "1d" }, headers: { origin: baseURL! } });
  expect(res.status()).toBe(201);
  const url = new URL(((await res.json()) as { shareLink: { url: string } }).shareLink.url);
  // A share link is the guide's last step; the experiments before it are still to run.
  await page.reload();
  await expect(page.getByRole("region", { name: "First experiment" }).getByTestId("guide-step-share")).toHaveAttribute("data-done", "true");

  // Anyone with the link sees the result, signed out.
  const stranger = await browser.newContext();
  const shared = await stranger.newPage();
  await shared.goto(url.pathname);
  await expect(shared.getByRole("heading", { level: 1 })).toContainText("succeeded");

  // Expiry: the worker's trials.expire job (every minute) deletes the trial, its virtual
  // cluster and its rows, and the link answers 404.
  const [cluster] = await sql<{ sandboxClusterId: string }>(
    `SELECT c."sandboxClusterId" FROM "Cluster" c JOIN "Team" t ON t.id = c."teamId" WHERE t.slug = $1`,
    [slug],
  );
  expect(cluster?.sandboxClusterId).toBeTruthy();
  try {
    await sql(`UPDATE "Team" SET "trialExpiresAt" = now() - interval '1 second' WHERE slug = $1`, [slug]);
    await expect.poll(async () => (await shared.request.get(url.pathname)).status(), { timeout: 120_000, intervals: [2_000] }).toBe(404);
    expect(await sql(`SELECT 1 FROM "Team" WHERE slug = $1`, [slug])).toHaveLength(0);
    expect(await sql(`SELECT 1 FROM "Run" WHERE id = $1`, [runId])).toHaveLength(0);
    const clusterIds = (await sandboxAdmin().listClusters()).map((c) => c.id);
    expect(clusterIds).not.toContain(cluster!.sandboxClusterId);
  } finally {
    await stranger.close();
  }
});
