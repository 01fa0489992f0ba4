import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { newAccount, signUp } from "./helpers";
import { addSandboxCluster } from "./seed";

test.describe.configure({ timeout: 300_000 });

// Detected risks and templates as a person uses them: a cluster's Risks view, a risk's template
// link (its parameters filled in), the experiment created from it, and its run to a verdict;
// and the template library reached from the experiments list, with a refused parameter.

/** Run from the experiment's page; a plan that needs the typed confirmation gets the name typed. */
async function run(page: Page, name: string) {
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const confirm = page.getByLabel(`Type ${name} to confirm`);
  await expect(confirm.or(page.getByTestId("verdict"))).toBeVisible({ timeout: 60_000 });
  if (await confirm.isVisible()) {
    await confirm.fill(name);
    await page.getByRole("button", { name: "Run it" }).click();
  }
  await page.waitForURL(/\/executions\/c[a-z0-9]+$/);
}

test("a risk of the cluster opens its template filled in; the experiment made from it runs to its verdict", async ({ page }) => {
  const slug = await signUp(page, newAccount("Leslie Lamport"));
  const { clusterId } = await addSandboxCluster(page, slug);
  await page.goto(`/t/${slug}/clusters/${clusterId}`);
  await page.getByRole("link", { name: "Risks", exact: true }).click();
  await page.waitForURL(/\/risks$/);

  // What the demo shop has: checkout's budget blocks drains, payment's replicas share a node.
  const rows = page.getByTestId("risk-row");
  await expect(rows.first()).toBeVisible({ timeout: 60_000 });
  await expect(rows.filter({ hasText: "shop/checkout's budget checkout allows no disruption" })).toHaveCount(1);
  await expect(rows.first().getByText("high")).toBeVisible();

  // The filter narrows the table to one kind of risk.
  await page.getByRole("link", { name: /^All on one node 1$/ }).click();
  await expect(rows).toHaveCount(1);
  const payment = rows.filter({ hasText: "Every replica of shop/payment runs on data-b-1" });
  await expect(payment).toHaveCount(1);
  await payment.getByRole("link", { name: "A drain paced by disruption budgets" }).click();
  await page.waitForURL(/\/experiments\/templates\/drain-under-budgets\?/);

  // The template's page: what it teaches, and its form filled in from the risk.
  await expect(page.getByRole("heading", { name: "A drain paced by disruption budgets" })).toBeVisible();
  await expect(page.getByText(/PodDisruptionBudget that allows one disruption/)).toBeVisible();
  await expect(page.getByLabel("Node to drain")).toHaveValue("data-b-1");
  await expect(page.getByLabel("Those pods' label selector")).toHaveValue("app=payment");
  await expect(page.getByLabel("Cluster")).toHaveValue(clusterId);
  await expect(page.getByLabel("Experiment name")).toHaveValue("drain data-b-1");
  await page.getByLabel("Check every (seconds)").fill("1");
  await page.getByLabel("Uncordon after (seconds)").fill("10");
  await page.getByRole("button", { name: "Create experiment" }).click();

  // The experiment's page; run it to its verdict.
  await page.waitForURL(/\/experiments\/c[a-z0-9]+$/);
  await expect(page.getByRole("heading", { name: "drain data-b-1" })).toBeVisible();
  await run(page, "drain data-b-1");
  await expect(page.getByTestId("verdict")).toContainText("passed", { timeout: 180_000 });
});

test("the template library from the experiments list: a refused parameter is marked, then the experiment is created", async ({ page }) => {
  const slug = await signUp(page, newAccount("Barbara Liskov"));
  await addSandboxCluster(page, slug);
  await page.goto(`/t/${slug}/experiments`);
  await page.getByRole("link", { name: "Templates", exact: true }).click();
  await page.waitForURL(/\/experiments\/templates$/);
  const cards = page.getByRole("listitem");
  expect(await cards.count()).toBeGreaterThanOrEqual(10);
  await page.getByRole("link", { name: /A dependency scaled to zero/ }).click();
  await page.waitForURL(/\/experiments\/templates\/dependency-to-zero$/);
  await expect(page.getByRole("heading", { name: "On the demo shop" })).toBeVisible();
  await expect(page.getByText(/without it every checkout fails with 502/)).toBeVisible();
  await expect(page.getByLabel("Dependency (Deployment)")).toHaveValue("shipping");

  await page.getByLabel("Namespace of the dependency").fill("Shop!");
  await page.getByLabel("Keep it at zero for (seconds)").fill("0");
  await page.getByRole("button", { name: "Create experiment" }).click();
  await expect(page.getByText("2 fields need a change; each is marked.")).toBeVisible();
  await expect(page.getByText("Use a namespace name: lower-case letters, digits and dashes, such as shop.")).toBeVisible();
  await expect(page.getByText("Keep it at zero for (seconds) is at least 1.")).toBeVisible();
  // The values sent stay in the form.
  await expect(page.getByLabel("Namespace of the dependency")).toHaveValue("Shop!");

  await page.getByLabel("Namespace of the dependency").fill("shop");
  await page.getByLabel("Keep it at zero for (seconds)").fill("20");
  await page.getByRole("button", { name: "Create experiment" }).click();
  await page.waitForURL(/\/experiments\/c[a-z0-9]+$/);
  await expect(page.getByRole("heading", { name: "frontend without shipping" })).toBeVisible();
  await page.goto(`/t/${slug}/experiments`);
  await expect(page.getByRole("link", { name: "frontend without shipping" })).toBeVisible();
});
