import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { newAccount, signUp } from "./helpers";
import { addSandboxCluster } from "./seed";

test.describe.configure({ timeout: 300_000 });

// Experiments as a person builds and runs them: the editor (stages, faults with the action's
// own form, checks), the dry run, Save, Run, the execution page to its verdict, and what a
// refused definition looks like.

async function setUp(page: Page, name: string) {
  const slug = await signUp(page, newAccount(name));
  const cluster = await addSandboxCluster(page, slug);
  return { slug, ...cluster };
}

const fault = (page: Page, stage: number, n: number) => page.getByRole("group", { name: `Stage ${stage}, fault ${n}` });
const check = (page: Page, n: number) => page.getByRole("region", { name: `Check ${n}` });
// A field by its whole label; a required parameter's ends in " *".
const field = (scope: ReturnType<Page["locator"]>, label: string) => scope.getByLabel(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}( \\*)?$`));

/** The editor, from the list's empty state, with a name and the cluster chosen. */
async function openEditor(page: Page, slug: string, name: string) {
  await page.goto(`/t/${slug}/experiments`);
  await page.getByRole("link", { name: /Create an experiment|New experiment/ }).click();
  await page.waitForURL(/\/experiments\/new$/);
  await page.getByLabel("Name", { exact: true }).fill(name);
}

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

/** Check 1 as the editor starts it (an HTTP during-check on the shop's checkout), every second. */
async function checkoutCheck(page: Page, opts: { name: string; interval?: string }) {
  const c = check(page, 1);
  await field(c, "Check name").fill(opts.name);
  await expect(field(c, "Service")).toHaveValue("frontend");
  await expect(field(c, "Path")).toHaveValue("/checkout");
  await field(c, "Every (seconds)").fill(opts.interval ?? "1");
}

test("build an experiment in the editor, dry-run it, save it, run it and read its verdict and chart", async ({ page }) => {
  // The chart draws under the page's Content-Security-Policy: nothing it does is refused.
  const refused: string[] = [];
  page.on("console", (m) => {
    if (/Content.Security.Policy/i.test(m.text())) refused.push(m.text());
  });
  const { slug } = await setUp(page, "Nancy Lynch");
  await page.goto(`/t/${slug}/experiments`);
  await expect(page.getByRole("heading", { name: "No experiments yet" })).toBeVisible();
  await expect(page.getByText(/states what healthy means/)).toBeVisible();

  await openEditor(page, slug, "checkout survives a cart pod loss");
  await page.getByLabel("Description").fill("Checkout keeps answering while a cart pod is killed.");
  const f = fault(page, 1, 1);
  await field(f, "Action").selectOption({ label: "Kill pods" });
  await field(f, "Namespace").fill("shop");
  await field(f, "Label selector").fill("app=cart");
  // Three rounds two seconds apart: the during-check is evaluated while the fault goes on.
  await field(f, "Rounds").fill("3");
  await field(f, "Seconds between rounds").fill("2");
  await checkoutCheck(page, { name: "checkout answers" });

  await page.getByRole("button", { name: "Add a check" }).click();
  const k = check(page, 2);
  await field(k, "Check name").fill("cart has a replica");
  await field(k, "Type").selectOption({ label: "Kubernetes state" });
  await field(k, "Mode").selectOption("before-and-after");
  await field(k, "Namespace").fill("shop");
  await field(k, "Name").fill("cart");
  await field(k, "Available replicas at least").fill("1");

  // The dry run: what the fault would hit, each check once, and that the credentials allow them.
  await page.getByRole("button", { name: "Dry run" }).click();
  const dry = page.getByTestId("dry-run");
  await expect(dry).toBeVisible({ timeout: 30_000 });
  await expect(dry).toContainText("the experiment can run");
  await expect(dry.getByTestId("plan")).toContainText(/delete 1 of 2 matching pods/);
  await expect(dry.getByRole("row", { name: /checkout answers/ })).toContainText("pass");
  await expect(dry.getByRole("row", { name: /checkout answers/ })).toContainText("allowed");
  await expect(dry.getByRole("row", { name: /cart has a replica/ })).toContainText("pass");

  // The YAML tab holds the same definition; back on the form nothing is lost.
  await page.getByRole("tab", { name: "YAML" }).click();
  await expect(page.getByLabel(/The same definition as the form/)).toHaveValue(/actionId: pod-kill[\s\S]*labelSelector: app=cart[\s\S]*condition: workload-available/);
  await page.getByRole("tab", { name: "Form" }).click();
  await expect(field(fault(page, 1, 1), "Label selector")).toHaveValue("app=cart");

  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.waitForURL(/\/experiments\/c[a-z0-9]+$/);
  await expect(page.getByRole("heading", { level: 1, name: "checkout survives a cart pod loss" })).toBeVisible();
  await expect(page.getByText("Checkout keeps answering while a cart pod is killed.")).toBeVisible();
  await expect(page.getByText("v1", { exact: true })).toBeVisible();
  await expect(page.getByText("Not run yet")).toBeVisible();

  // Run: the execution page follows it to its verdict, with a chart per check.
  await run(page, "checkout survives a cart pod loss");
  const verdict = page.getByTestId("verdict");
  await expect(verdict).toContainText("passed", { timeout: 120_000 });
  await expect(verdict).toContainText(/Resilience score \d+/);
  await expect(page.getByRole("link", { name: "Kill pods" })).toBeVisible();
  const chart = page.getByRole("region", { name: "Check checkout answers" }).getByTestId("check-chart");
  await expect(chart.locator("svg")).toBeVisible();
  await expect(chart.locator("svg path").first()).toBeAttached();
  await chart.hover();
  expect(refused).toEqual([]);

  // Share: a link that opens the execution, read-only, to someone not signed in.
  await page.getByRole("button", { name: "Create link" }).click();
  const url = await page.getByLabel("Share link", { exact: true }).inputValue();
  expect(url).toMatch(/\/e\/[A-Za-z0-9_-]+$/);
  const outsider = await page.context().browser()!.newContext({ baseURL: test.info().project.use.baseURL });
  const shared = await outsider.newPage();
  await shared.goto(new URL(url).pathname);
  await expect(shared.getByText("checkout survives a cart pod loss").first()).toBeVisible();
  await expect(shared.getByText("passed").first()).toBeVisible();
  await outsider.close();
  await expect(page.getByRole("list", { name: "Share links" })).toContainText("active");

  // The list shows the verdict.
  await page.goto(`/t/${slug}/experiments`);
  await expect(page.getByRole("row", { name: /checkout survives a cart pod loss/ })).toContainText("passed");
});

test("a stop condition that trips stops the experiment and rolls its fault back", async ({ page }) => {
  const { slug, apps } = await setUp(page, "Leslie Valiant");
  await openEditor(page, slug, "the shop survives losing the cart");
  const f = fault(page, 1, 1);
  await field(f, "Action").selectOption({ label: "Scale a deployment down" });
  await field(f, "Namespace").fill("shop");
  await field(f, "Deployment").fill("cart");
  await field(f, "Scale to").fill("0");
  await field(f, "Restore after (seconds)").fill("120");
  await checkoutCheck(page, { name: "checkout answers" });
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.waitForURL(/\/experiments\/c[a-z0-9]+$/);
  await run(page, "the shop survives losing the cart");

  const verdict = page.getByTestId("verdict");
  await expect(verdict).toContainText("failed — stopped by checkout answers", { timeout: 120_000 });
  await expect(page.getByRole("region", { name: "Check checkout answers" })).toContainText("tripped");
  await expect(page.getByText("rolled back", { exact: true })).toBeVisible();
  const cart = await apps.readNamespacedDeployment({ namespace: "shop", name: "cart" });
  expect(cart.spec?.replicas).toBe(2);
});

test("a refused definition marks each field, keeps what was typed, and the YAML tab is validated the same way", async ({ page }) => {
  const { slug } = await setUp(page, "Butler Lampson");
  await openEditor(page, slug, "");
  const f = fault(page, 1, 1);
  await field(f, "Action").selectOption({ label: "Kill pods" });
  await field(f, "Label selector").fill("app=cart");
  const c = check(page, 1);
  await field(c, "Port").fill("Not a port!");
  await page.getByRole("button", { name: "Save", exact: true }).click();

  await expect(page.getByRole("alert").filter({ hasText: "fields need a change before saving" })).toBeVisible();
  await expect(page.getByLabel("Name", { exact: true })).toHaveAccessibleDescription("The experiment's name is required.");
  await expect(f.getByText(/Kill pods: Namespace/)).toBeVisible();
  await expect(c.getByText("The port is a number from 1 to 65535 or a port name such as http.")).toBeVisible();
  await expect(field(c, "Port")).toHaveAttribute("aria-invalid", "true");
  // Nothing typed was lost.
  await expect(field(f, "Label selector")).toHaveValue("app=cart");
  await expect(field(c, "Port")).toHaveValue("Not a port!");
  expect(page.url()).toMatch(/\/experiments\/new$/);

  // YAML that does not read keeps the person on the tab with the parser's message.
  await page.getByRole("tab", { name: "YAML" }).click();
  const yaml = page.getByLabel(/The same definition as the form/);
  await yaml.fill("stages: [\n");
  await expect(page.getByText(/The YAML does not read/)).toBeVisible();
  await expect(page.getByRole("button", { name: "Save", exact: true })).toBeDisabled();
  // A definition that reads but is refused is marked with where each problem is.
  await page.getByLabel("Name", { exact: true }).fill("yaml edited");
  await yaml.fill("stages: []\nchecks: []\n");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const listed = page.getByTestId("field-errors");
  await expect(listed).toContainText("stages: An experiment has at least one stage.");
  await expect(listed).toContainText("checks: An experiment states its steady state: add at least one check.");
});

test("Abort on the execution page stops a running experiment and rolls its fault back", async ({ page }) => {
  const { slug, apps } = await setUp(page, "Barbara Liskov");
  await openEditor(page, slug, "ads can be scaled away");
  const f = fault(page, 1, 1);
  await field(f, "Action").selectOption({ label: "Scale a deployment down" });
  await field(f, "Namespace").fill("shop");
  await field(f, "Deployment").fill("ads");
  await field(f, "Scale to").fill("0");
  await field(f, "Restore after (seconds)").fill("300");
  const c = check(page, 1);
  await field(c, "Check name").fill("nodes ready");
  await field(c, "Type").selectOption({ label: "Kubernetes state" });
  await field(c, "Condition").selectOption({ label: "Ready nodes" });
  await field(c, "Ready nodes at least").fill("1");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.waitForURL(/\/experiments\/c[a-z0-9]+$/);
  await run(page, "ads can be scaled away");

  // While it runs the page shows its progress; Abort asks once more, then stops it.
  await expect(page.getByTestId("progress")).toContainText("Stage 1 of 1", { timeout: 60_000 });
  await expect.poll(async () => (await apps.readNamespacedDeployment({ namespace: "shop", name: "ads" })).spec?.replicas, { timeout: 60_000 }).toBe(0);
  await page.getByRole("button", { name: "Abort", exact: true }).click();
  await page.getByRole("button", { name: "Abort experiment" }).click();
  await expect(page.getByTestId("verdict")).toContainText("aborted", { timeout: 120_000 });
  await expect(page.getByText("rolled back", { exact: true })).toBeVisible();
  expect((await apps.readNamespacedDeployment({ namespace: "shop", name: "ads" })).spec?.replicas).toBe(1);
});
