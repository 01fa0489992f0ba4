import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { newAccount, signUp } from "./helpers";
import { addSandboxCluster } from "./seed";

test.describe.configure({ timeout: 180_000 });

// The run page follows a run live from the moment it opens: every step, log line and state,
// without a reload; a run waiting for a timed restore counts down to it; the duration ticks.
async function setUp(page: Page, name: string) {
  const slug = await signUp(page, newAccount(name));
  const cluster = await addSandboxCluster(page, slug);
  return { slug, ...cluster };
}

async function planAndStart(page: Page) {
  await page.getByRole("button", { name: "Plan" }).click();
  await expect(page.getByTestId("plan")).toBeVisible();
  await page.getByRole("button", { name: "Start run" }).click();
  await page.waitForURL(/\/runs\/c[a-z0-9]+$/, { timeout: 90_000 });
}

test("every round of a three-round pod kill appears live on the run page, with no reload", async ({ page }) => {
  const { slug } = await setUp(page, "Katherine Johnson");
  await page.goto(`/t/${slug}/run?action=pod-kill`);
  await page.getByLabel("Namespace").fill("shop");
  await page.getByLabel("Label selector").fill("app=cart");
  await page.getByLabel("Pods to kill per round").fill("1");
  await page.getByLabel("Rounds", { exact: true }).fill("3");
  await page.getByLabel("Seconds between rounds").fill("5");
  // Round 1 ends within the run's first second, before the page below has opened its stream.
  await planAndStart(page);
  let reloaded = false;
  page.on("load", () => (reloaded = true));

  const steps = page.getByRole("list", { name: "Steps" });
  const log = page.getByRole("list", { name: "Run log" });
  await expect(steps).toContainText("round 1: delete pod");
  await expect(log).toContainText(/round 1: deleted 1 pod(?![s(])/);
  // While it runs, its duration goes on (the page was drawn once).
  await expect(page.getByTestId("run-state")).toHaveText("running");
  const took = page.getByTestId("run-duration");
  const first = await took.textContent();
  await expect(took).not.toHaveText(first ?? "");

  await expect(page.getByTestId("run-state")).toHaveText("succeeded", { timeout: 60_000 });
  for (const round of [1, 2, 3]) {
    await expect(steps).toContainText(`round ${round}: delete pod`);
    await expect(log).toContainText(new RegExp(`round ${round}: deleted 1 pod(?![s(])`));
  }
  await expect(steps.getByRole("listitem")).toHaveCount(3);
  await expect(page.getByRole("progressbar", { name: "Run progress" })).toHaveAttribute("aria-valuenow", "100");
  expect(reloaded).toBe(false);
});

test("a scale-down counts down to its restore instead of showing 100 %, then restores the replicas", async ({ page }) => {
  const { slug, apps } = await setUp(page, "Dorothy Vaughan");
  const replicas = async () => (await apps.readNamespacedDeployment({ name: "recommendation", namespace: "shop" })).spec?.replicas;
  expect(await replicas()).toBe(2);

  await page.goto(`/t/${slug}/run?action=deployment-scale`);
  await page.getByLabel("Namespace").fill("shop");
  await page.getByLabel("Deployment").fill("recommendation");
  await page.getByLabel("Scale to").fill("0");
  await page.getByLabel("Restore after (seconds)").fill("8");
  await planAndStart(page);

  // Scaled down, waiting: the page counts down to the restore and says when it is due.
  const countdown = page.getByTestId("restore-countdown");
  await expect(countdown).toContainText(/^Restores in \d+ s \(at \d\d:\d\d:\d\d UTC\)$/);
  await expect(page.getByTestId("run-state")).toHaveText("running");
  await expect(page.getByRole("progressbar", { name: "Time until the restore" })).toBeVisible();
  expect(await replicas()).toBe(0);

  // Restored: the run succeeded, the count is back, and nothing counts down any more.
  await expect(page.getByTestId("run-state")).toHaveText("succeeded", { timeout: 60_000 });
  await expect(countdown).toHaveCount(0);
  await expect(page.getByRole("list", { name: "Run log" })).toContainText("restored after");
  expect(await replicas()).toBe(2);
  // No one stopped it: nothing says so.
  await expect(page.getByTestId("run-stopped-by")).toHaveCount(0);
});
