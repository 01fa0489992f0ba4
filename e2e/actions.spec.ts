import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { alertBox, newAccount, signUp } from "./helpers";
import { addSandboxCluster } from "./seed";

test.describe.configure({ timeout: 240_000 });

// Every action of the catalogue as a person starts it: the Run page, the form filled field by
// field, Plan, the typed confirmation where asked, Start run, then the run page to its end.
// And the messages a person meets on the way, each where they meet it.
async function setUp(page: Page, name: string) {
  const slug = await signUp(page, newAccount(name));
  const cluster = await addSandboxCluster(page, slug);
  return { slug, ...cluster };
}

/** Opens the Run page and chooses the action in its menu, as a person does. */
async function openAction(page: Page, slug: string, title: string) {
  await page.goto(`/t/${slug}/run`);
  await page.getByLabel("Action", { exact: true }).selectOption({ label: title });
}

const plan = (page: Page) => page.getByTestId("plan");
const runState = (page: Page) => page.getByTestId("run-state");
const steps = (page: Page) => page.getByRole("list", { name: "Steps" });
// A field by its whole label; a required one ends in " *".
const field = (page: Page, label: string) =>
  page.getByLabel(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}( \\*)?$`));

/** The values every menu of the Run form shows (its DOM, what a person sees). */
const menuValues = (page: Page) => page.locator("form select").evaluateAll((els) => els.map((e) => (e as HTMLSelectElement).value));

async function planIt(page: Page) {
  const menus = await menuValues(page);
  await page.getByRole("button", { name: "Plan" }).click();
  await expect(plan(page)).toBeVisible();
  // The menus still show what was chosen after the plan comes back.
  expect(await menuValues(page)).toEqual(menus);
}

async function start(page: Page) {
  await page.getByRole("button", { name: "Start run" }).click();
  await page.waitForURL(/\/runs\/[a-z0-9]+$/, { timeout: 90_000 });
}

const livePods = async (core: Awaited<ReturnType<typeof setUp>>["core"], ns: string, selector: string) =>
  (await core.listNamespacedPod({ namespace: ns, labelSelector: selector })).items.filter((p) => !p.metadata?.deletionTimestamp);

test("pod kill: a count above the matching pods kills every replica, so it asks for the typed confirmation and says why", async ({ page }) => {
  const { slug, core } = await setUp(page, "Edsger Dijkstra");
  await openAction(page, slug, "Kill pods");
  await field(page, "Namespace").fill("shop");
  await field(page, "Label selector").fill("app=checkout");
  await field(page, "Pods to kill per round").fill("5000");
  await planIt(page);
  const before = (await livePods(core, "shop", "app=checkout")).map((p) => p.metadata!.name!);
  await expect(plan(page)).toContainText("delete 2 of 2 matching pods");
  const why = page.getByText("This run needs your confirmation.");
  await expect(why).toBeVisible();
  await expect(page.getByText(/You asked for 5000 pods but only 2 match/)).toBeVisible();
  await expect(page.getByText(/It kills all 2 pods of ReplicaSet checkout-/)).toBeVisible();

  // Without the confirmation nothing happens; with it the run goes through.
  await page.getByRole("button", { name: "Start run" }).click();
  await expect(page.getByText("Type pod-kill here to start this run.")).toBeVisible();
  expect((await livePods(core, "shop", "app=checkout")).map((p) => p.metadata!.name!)).toEqual(before);
  await field(page, "Type pod-kill to confirm").fill("pod-kill");
  await start(page);
  await expect(runState(page)).toHaveText("succeeded");
  for (const name of before) await expect(steps(page)).toContainText(`round 1: delete pod ${name}`);
});

test("node cordon: the nodes are cordoned, then schedulable again when the time is up", async ({ page }) => {
  const { slug, core } = await setUp(page, "Leslie Lamport");
  await openAction(page, slug, "Cordon nodes");
  await expect(page.getByText("Give a node name or a node label selector: one of the two.")).toBeVisible();
  await field(page, "Node label selector").fill("pystol.io/pool=data");
  await field(page, "Most nodes at once").fill("2");
  await field(page, "Uncordon after (seconds)").fill("2");
  await planIt(page);
  await expect(plan(page)).toContainText("cordon data-a-1, data-b-1");
  await start(page);
  await expect(steps(page)).toContainText("cordon node data-a-1");
  await expect(runState(page)).toHaveText("succeeded", { timeout: 60_000 });
  const cordoned = (await core.listNode()).items.filter((n) => n.spec?.unschedulable).map((n) => n.metadata!.name);
  expect(cordoned).toEqual([]);
  // On a desktop the parameters read under the form's labels, not as JSON keys, and the objects
  // affected fit their card and say what the cordon left: the node unschedulable.
  await page.setViewportSize({ width: 1440, height: 900 });
  const params = page.locator('dl[aria-label="Parameters"]');
  await expect(params).toContainText("Node label selector");
  await expect(params).toContainText("pystol.io/pool=data");
  await expect(params).not.toContainText("labelSelector");
  const objects = page.getByRole("table").filter({ has: page.getByRole("columnheader", { name: "Before" }) }).locator("xpath=..");
  await expect(objects).toContainText("unschedulable: true");
  await expect(objects).not.toContainText("wasUnschedulable");
  await expect.poll(() => objects.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
  // On a phone each object stacks its cells under their labels: nothing scrolls sideways, and
  // what the step left reads on whole lines, not a column a few letters wide.
  await page.setViewportSize({ width: 390, height: 844 });
  const card = page.locator("section").filter({ has: page.getByRole("heading", { name: "Objects affected" }) });
  const after = card.getByRole("cell").filter({ hasText: "unschedulable: true" }).first();
  await expect(after).toHaveAttribute("data-label", "After");
  await expect.poll(async () => (await after.boundingBox())?.width ?? 0).toBeGreaterThan(250);
  await expect.poll(() => card.locator(".overflow-x-auto").evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
});

test("node drain: the plan names the pod a PodDisruptionBudget holds; the run fails on it once and rolls back", async ({ page }) => {
  const { slug, core } = await setUp(page, "Jim Gray");
  const [held] = await livePods(core, "shop", "app=checkout");
  const node = held!.spec!.nodeName!;
  await openAction(page, slug, "Drain nodes");
  await field(page, "Node name").fill(node);
  await field(page, "Eviction timeout (seconds)").fill("3");
  await field(page, "Uncordon after (seconds)").fill("600");
  await planIt(page);
  const heldLine = `shop/${held!.metadata!.name} (PodDisruptionBudget shop/checkout allows 0 disruptions now)`;
  await expect(plan(page)).toContainText(heldLine);
  await expect(plan(page)).toContainText("held by a PodDisruptionBudget");
  // Pods a drain leaves alone are named with the reason, not counted.
  await expect(plan(page)).toContainText(/Not evicted.*node-exporter-[a-z0-9]+ \(DaemonSet pod\)/);

  await start(page);
  await expect(runState(page)).toHaveText("rolled back", { timeout: 90_000 });
  await expect(page.getByText(`evict pod shop/${held!.metadata!.name}`).first()).toBeVisible();
  await expect(page.getByText(/ of \d+ pods? not evicted: .*shop\/checkout-/).first()).toBeVisible();
  await expect(page.getByText("The API server is throttling requests")).toHaveCount(0);
  const n = await core.readNode({ name: node });
  expect(n.spec?.unschedulable ?? false).toBe(false);
});

test("ping test: the form says what it needs; planned probe pods are the ones the run creates; the result is a matrix", async ({ page }) => {
  const { slug, core } = await setUp(page, "Radia Perlman");
  await openAction(page, slug, "Ping test");
  // Neither node field says "Optional": one of the two is needed, and the form says so.
  await expect(page.locator("#param-nodeName-help")).not.toContainText("Optional");
  await expect(field(page, "Node label selector")).toHaveAttribute("placeholder", "e.g. pystol.io/pool=general");
  await page.getByRole("button", { name: "Plan" }).click();
  await expect(page.locator("#param-nodeName-error")).toHaveText("Give a node name or a node label selector.");
  await field(page, "Node name").fill("general-a-1");
  await page.getByRole("button", { name: "Plan" }).click();
  await expect(page.locator("#param-hosts-error")).toContainText("One node has no other node to probe: add a host");

  await field(page, "Node name").fill("");
  await field(page, "Node label selector").fill("pystol.io/pool=general");
  await field(page, "Rounds").fill("2");
  await planIt(page);
  await expect(plan(page)).toContainText("probe 4 nodes for 2 rounds");
  const probe = (await plan(page).getByRole("row").nth(1).getByRole("cell").last().textContent())!.trim();
  expect(probe).toMatch(/^pystol-probe-[0-9a-f]+-0$/);

  await start(page);
  await expect(runState(page)).toHaveText("succeeded", { timeout: 90_000 });
  await expect(steps(page)).toContainText("create 4 probe pods");
  // The run created exactly the pods its dry run named, and removed them.
  await expect(page.locator("section").filter({ has: page.getByRole("heading", { name: "Plan" }) })).toContainText(probe);
  expect((await livePods(core, "default", "pystol.io/role=probe")).length).toBe(0);
  const matrix = page.getByTestId("ping-matrix");
  await expect(matrix).toContainText("12 of 12 pairs reachable");
  await expect(matrix.getByRole("cell", { name: /^general-a-1 to general-b-1: reachable, [\d.]+ ms$/ })).toBeVisible();
  await expect(matrix.getByRole("cell", { name: "general-a-1 to general-a-1: not probed" })).toHaveText("—");
  // In the dark theme every latency band is a dark cell (the ≤ 10 ms band stayed a light one).
  await page.emulateMedia({ colorScheme: "dark" });
  for (const cell of await matrix.getByRole("cell", { name: /: reachable, / }).all()) {
    const lightness = await cell.evaluate((el) => {
      const probe = document.createElement("canvas").getContext("2d")!;
      probe.fillStyle = getComputedStyle(el).backgroundColor;
      probe.fillRect(0, 0, 1, 1);
      const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
      return (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255;
    });
    expect(lightness, (await cell.getAttribute("aria-label")) ?? "").toBeLessThan(0.4);
  }
});

test("deployment scale-down: scaled to zero, then restored to its replicas", async ({ page }) => {
  const { slug, apps } = await setUp(page, "Butler Lampson");
  await openAction(page, slug, "Scale a deployment down");
  await field(page, "Namespace").fill("shop");
  await field(page, "Deployment").fill("catalog");
  await field(page, "Scale to").fill("0");
  await field(page, "Restore after (seconds)").fill("2");
  await planIt(page);
  await expect(plan(page)).toContainText("scale shop/catalog from 2 to 0 for 2s");
  await start(page);
  await expect(steps(page)).toContainText("scale shop/catalog to 0");
  await expect(runState(page)).toHaveText("succeeded", { timeout: 60_000 });
  expect((await apps.readNamespacedDeployment({ name: "catalog", namespace: "shop" })).spec?.replicas).toBe(2);
});

test("job: the planned Job is the one the run creates; its output reads as a log; exit 3 fails its wait step", async ({ page }) => {
  const { slug } = await setUp(page, "Frances Allen");
  await openAction(page, slug, "Run a job");
  await expect(field(page, "Container image")).toHaveAttribute("placeholder", "e.g. busybox:1.36");
  await field(page, "Container image").fill("busybox:1.36");
  await field(page, "Command").fill("sh\n-c\necho hello from the job");
  await planIt(page);
  await expect(plan(page)).toContainText(/as Job default\/pystol-job-[0-9a-f]+/);
  const job = /pystol-job-[0-9a-f]+/.exec((await plan(page).textContent())!)![0];
  await start(page);
  await expect(runState(page)).toHaveText("succeeded", { timeout: 90_000 });
  await expect(steps(page)).toContainText(`create job ${job}`);
  await expect(page.getByRole("log", { name: "Job output" })).toContainText("hello from the job");
  await expect(page.getByTestId("job-exit")).toContainText("exit code 0");
  // Removing the Job is a clean-up, not a restore; the objects table does not repeat the output.
  await expect(page.getByRole("list", { name: "Run log" })).toContainText(`removed what "create job ${job}" created`);
  const objects = page.getByRole("table").filter({ has: page.getByRole("columnheader", { name: "Before" }) });
  await expect(objects).toContainText("log: ");
  await expect(objects).not.toContainText("hello from the job");
  // The shared result reads the same way, signed out.
  await page.getByRole("button", { name: "Create link" }).click();
  const shared = await page.getByLabel("Share link", { exact: true }).inputValue();
  const outsider = await page.context().browser()!.newPage();
  await outsider.goto(shared);
  await expect(outsider.getByRole("log", { name: "Job output" })).toContainText("hello from the job");
  await outsider.close();

  // A job that exits 3: the run fails, and so does the step that waited for it.
  await openAction(page, slug, "Run a job");
  await field(page, "Container image").fill("busybox:1.36");
  await field(page, "Command").fill("sh\n-c\necho about to fail; exit 3");
  await planIt(page);
  await start(page);
  await expect(runState(page)).toHaveText("failed", { timeout: 90_000 });
  await expect(page.getByTestId("job-exit")).toContainText("exit code 3");
  await expect(page.getByRole("log", { name: "Job output" })).toContainText("about to fail");
  const wait = steps(page).getByRole("listitem").filter({ hasText: "wait for job" });
  await expect(wait).toContainText(/failed/i);
});

test("messages about the input are sentences about the field, and plan-time checks say what is wrong", async ({ page }) => {
  const { slug } = await setUp(page, "Grace Murray");
  await openAction(page, slug, "Kill pods");
  // Examples read as examples, and Start run looks as unavailable as it is.
  await expect(field(page, "Namespace")).toHaveAttribute("placeholder", "e.g. shop");
  await expect(field(page, "Label selector")).toHaveAttribute("placeholder", "e.g. app=cart");
  const startButton = page.getByRole("button", { name: "Start run" });
  await expect(startButton).toBeDisabled();
  expect(Number(await startButton.evaluate((b) => getComputedStyle(b).opacity))).toBeLessThan(0.6);

  // Nothing typed: each field says what it needs, in words.
  await page.getByRole("button", { name: "Plan" }).click();
  await expect(page.locator("#param-namespace-error")).toHaveText("This field is required.");
  await expect(page.getByText(/Invalid input|expected string/)).toHaveCount(0);
  await field(page, "Namespace").fill("shop");
  await field(page, "Label selector").fill("app=cart");
  await field(page, "Pods to kill per round").fill("20000");
  await page.getByRole("button", { name: "Plan" }).click();
  await expect(page.locator("#param-count-error")).toHaveText("Enter a number no larger than 10000.");
  await expect(page.getByText(/Too big/)).toHaveCount(0);

  // A namespace that does not exist, a label with a typo, a selector that cannot be parsed.
  await field(page, "Pods to kill per round").fill("1");
  await field(page, "Namespace").fill("shpo");
  await page.getByRole("button", { name: "Plan" }).click();
  await expect(alertBox(page)).toContainText('There is no namespace "shpo" in this cluster. Did you mean shop?');
  await field(page, "Namespace").fill("shop");
  await field(page, "Label selector").fill("app=cartt");
  await page.getByRole("button", { name: "Plan" }).click();
  await expect(alertBox(page)).toContainText('No running pod in shop matches "app=cartt". Did you mean app=cart?');
  await expect(alertBox(page)).toContainText("Labels on the pods there:");
  await field(page, "Label selector").fill("app=cart=1");
  await page.getByRole("button", { name: "Plan" }).click();
  await expect(alertBox(page)).toContainText('The label selector "app=cart=1" is not valid');
  await expect(page.getByText("The cluster could not be read")).toHaveCount(0);
});

test("protected namespaces: an admin sets them in team settings (audited), and planning refuses them", async ({ page }) => {
  const { slug, clusterId } = await setUp(page, "Mary Shaw");
  await page.goto(`/t/${slug}/settings`);
  const list = page.getByLabel("Protected namespaces");
  await expect(page.getByText("kube-system is always protected.")).toBeVisible();
  await list.fill("Shop!");
  await page.getByRole("button", { name: "Save protected namespaces" }).click();
  await expect(page.getByText("Use namespace names: lower-case letters, digits and dashes, one per line.")).toBeVisible();
  await list.fill("shop-data\nshop");
  await page.getByRole("button", { name: "Save protected namespaces" }).click();
  await expect(alertBox(page)).toContainText("Protected namespaces saved: added shop, shop-data.");

  // The Namespaces tab shows them and points to where they are set.
  await page.goto(`/t/${slug}/clusters/${clusterId}/namespaces`);
  await expect(page.getByRole("row").filter({ hasText: /^shop-data/ })).toContainText("protected");
  await page.getByRole("link", { name: "team settings" }).click();
  await expect(list).toHaveValue("shop\nshop-data");

  await openAction(page, slug, "Kill pods");
  await field(page, "Namespace").fill("shop");
  await field(page, "Label selector").fill("app=cart");
  await page.getByRole("button", { name: "Plan" }).click();
  await expect(alertBox(page)).toContainText("Refused: The plan touches the protected namespace shop");
  await expect(plan(page)).toHaveCount(0);

  await page.goto(`/t/${slug}/settings/audit`);
  await expect(page.getByRole("cell", { name: "Changed the protected namespaces" }).first()).toBeVisible();
});
