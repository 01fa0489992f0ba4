import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { alertBox, newAccount, signUp } from "./helpers";
import { addSandboxCluster } from "./seed";

test.describe.configure({ timeout: 240_000 });

// Fault runs as a person uses them: the catalog, a dry-run plan, a run watched live, its
// outcome in the cluster, abort and halt-all with rollback, and refusals that say why.
async function setUp(page: Page, name: string) {
  const account = newAccount(name);
  const slug = await signUp(page, account);
  const { core } = await addSandboxCluster(page, slug);
  return { slug, core };
}

const livePods = async (core: Awaited<ReturnType<typeof setUp>>["core"], ns: string, selector: string) =>
  (await core.listNamespacedPod({ namespace: ns, labelSelector: selector })).items
    .filter((p) => !p.metadata?.deletionTimestamp)
    .map((p) => p.metadata!.name!);

test("plan a pod kill, see the exact pod, run it, watch the log and see the deployment replace it", async ({ page }) => {
  const { slug, core } = await setUp(page, "Grace Hopper");

  // The catalog: every action with its description and the permissions it needs.
  await page.getByRole("navigation", { name: "Team" }).getByRole("link", { name: "Available actions" }).click();
  for (const title of ["Kill pods", "Drain nodes", "Cordon nodes"]) {
    await expect(page.getByRole("heading", { name: new RegExp(title) })).toBeVisible();
  }
  const podKill = page.locator("article").filter({ has: page.getByRole("heading", { name: /Kill pods/ }) });
  await expect(podKill).toContainText("delete pods");
  await podKill.getByRole("link", { name: "Run kill pods" }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${slug}/run\\?action=pod-kill$`));

  // A bad value comes back with its message under the field, and what was typed stays.
  await page.getByLabel("Namespace").fill("shop");
  await page.getByLabel("Label selector").fill("app=shipping");
  await page.getByLabel("Pods to kill per round").fill("0");
  await page.getByRole("button", { name: "Plan" }).click();
  await expect(page.getByText("Enter a number of at least 1.")).toBeVisible();
  await expect(page.getByLabel("Pods to kill per round")).toHaveValue("0");
  await expect(page.getByLabel("Label selector")).toHaveValue("app=shipping");
  await expect(page.getByRole("button", { name: "Start run" })).toBeDisabled();

  // The plan names exactly the pod that exists in the cluster; nothing has changed yet.
  await page.getByLabel("Pods to kill per round").fill("1");
  await page.getByRole("button", { name: "Plan" }).click();
  const [victim] = await livePods(core, "shop", "app=shipping");
  const plan = page.getByTestId("plan");
  await expect(plan.getByRole("row")).toHaveCount(2);
  await expect(plan.getByRole("row").nth(1)).toHaveText(`Podshop${victim}`);
  expect(await livePods(core, "shop", "app=shipping")).toEqual([victim]);

  // Shipping has one replica: killing it leaves nothing to serve, so the run asks to confirm.
  await expect(page.getByText(/It kills all 1 pod of ReplicaSet shipping-/)).toBeVisible();
  await page.getByLabel("Type pod-kill to confirm").fill("pod-kill");
  await page.getByRole("button", { name: "Start run" }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${slug}/runs/[a-z0-9]+$`));
  await expect(page.getByTestId("run-state")).toHaveText("succeeded");
  await expect(page.getByRole("list", { name: "Run log" })).toContainText(/round 1: deleted 1 pod(?![s(])/);
  await expect(page.getByRole("list", { name: "Steps" })).toContainText(`round 1: delete pod ${victim}`);
  await expect(page.getByRole("progressbar", { name: "Run progress" })).toHaveAttribute("aria-valuenow", "100");
  // The result and the parameters read as words: the pods of each round as a list, not a JSON
  // array; each parameter under its field's label, not its JSON key.
  const result = page.locator("section").filter({ has: page.getByRole("heading", { name: "Result", exact: true }) });
  await expect(result.getByRole("listitem")).toHaveText([victim!]);
  await expect(result).not.toContainText("[");
  const params = page.locator('dl[aria-label="Parameters"]');
  await expect(params).toContainText("Label selector");
  await expect(params).toContainText("app=shipping");
  await expect(params).not.toContainText("labelSelector");

  // The pod is gone from the cluster and its deployment made a new one, which the page shows.
  await expect.poll(async () => (await livePods(core, "shop", "app=shipping")).filter((n) => n !== victim).length).toBe(1);
  const objects = page.locator("section").filter({ has: page.getByRole("heading", { name: "Objects affected" }) });
  await expect(objects.getByRole("row").filter({ hasText: victim! })).toContainText("deleted: true");
  const [replacement] = await livePods(core, "shop", "app=shipping");
  await page.reload();
  await expect(page.getByTestId("replacements")).toContainText(replacement!);
  await expect(objects.getByRole("row").filter({ hasText: victim! }).getByRole("cell").last()).toHaveText("gone");

  // The run is listed on Executed, and a filter in the URL finds it.
  await page.getByRole("navigation", { name: "Team" }).getByRole("link", { name: "Executed" }).click();
  await page.getByLabel("Outcome").selectOption("SUCCEEDED");
  await page.getByRole("form", { name: "Filter runs" }).getByLabel("Action").selectOption("pod-kill");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=pod-kill/);
  await expect(page.getByRole("row").filter({ hasText: "Kill pods" })).toContainText("Grace Hopper");
  await page.getByRole("form", { name: "Filter runs" }).getByLabel("Action").selectOption("node-drain");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByText("No run matches these filters")).toBeVisible();
});

test("a plan in a protected namespace is refused with its reason; a large plan needs the typed confirmation", async ({ page }) => {
  const { slug, core } = await setUp(page, "Margaret Hamilton");
  await page.goto(`/t/${slug}/run?action=pod-kill`);
  await page.getByLabel("Namespace").fill("kube-system");
  await page.getByLabel("Label selector").fill("app=coredns");
  await page.getByRole("button", { name: "Plan" }).click();
  await expect(alertBox(page)).toContainText("Refused: The plan touches the protected namespace kube-system");
  await expect(page.getByTestId("plan")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Start run" })).toBeDisabled();

  // Every pod of the shop: over the team's threshold of 10, so the run asks for "pod-kill".
  const before = await livePods(core, "shop", "app.kubernetes.io/part-of=shop");
  await page.getByLabel("Namespace").fill("shop");
  await page.getByLabel("Label selector").fill("app.kubernetes.io/part-of=shop");
  await page.getByLabel("Or: percentage of matching pods per round").fill("100");
  await page.getByRole("button", { name: "Plan" }).click();
  await expect(page.getByTestId("plan").getByRole("row")).toHaveCount(before.length + 1);
  await page.getByRole("button", { name: "Start run" }).click();
  await expect(page.getByText("Type pod-kill here to start this run.")).toBeVisible();
  expect(await livePods(core, "shop", "app.kubernetes.io/part-of=shop")).toEqual(before);
  await page.getByLabel(/Type pod-kill to confirm/).fill("pod-kill");
  await page.getByRole("button", { name: "Start run" }).click();
  await expect(page.getByTestId("run-state")).toHaveText("succeeded");
});

test("abort a long cordon and halt all runs: both roll back and the nodes are schedulable again", async ({ page }) => {
  const { slug, core } = await setUp(page, "Barbara Liskov");
  const cordoned = async () => (await core.listNode()).items.filter((n) => n.spec?.unschedulable).map((n) => n.metadata!.name!);

  const startCordon = async (node: string) => {
    await page.goto(`/t/${slug}/run?action=node-cordon`);
    await page.getByLabel("Node name").fill(node);
    await page.getByLabel("Uncordon after (seconds)").fill("3600");
    await page.getByRole("button", { name: "Plan" }).click();
    await expect(page.getByTestId("plan")).toContainText(`cordon ${node}`);
    await page.getByRole("button", { name: "Start run" }).click();
    await page.waitForURL(/\/runs\/[a-z0-9]+$/, { timeout: 90_000 });
    // The step arrives live while the run waits out its duration.
    await expect(page.getByRole("list", { name: "Steps" })).toContainText(`cordon node ${node}`);
    await expect(page.getByTestId("run-state")).toHaveText("running");
  };

  await startCordon("general-a-1");
  expect(await cordoned()).toEqual(["general-a-1"]);
  await page.getByRole("button", { name: "Abort" }).click();
  await page.getByRole("button", { name: "Abort run" }).click();
  await expect(page.getByTestId("run-state")).toHaveText("rolled back");
  // Rolled back because a person asked, not on its own: the page says who.
  await expect(page.getByTestId("run-stopped-by")).toHaveText("Aborted by Barbara Liskov; what it had changed was put back.");
  await expect(page.getByRole("list", { name: "Run log" })).toContainText("rolling back");
  const objects = page.locator("section").filter({ has: page.getByRole("heading", { name: "Objects affected" }) });
  // The last column is the node as the cluster shows it now.
  await expect(objects.getByRole("row").filter({ hasText: "general-a-1" }).getByRole("cell").last()).toHaveText("schedulable");
  // …in whole words at desktop width (it broke as "schedu" / "lable" once the table had to fit).
  await page.setViewportSize({ width: 1440, height: 900 });
  const nowCell = objects.getByRole("row").filter({ hasText: "general-a-1" }).getByRole("cell").last();
  expect(await nowCell.evaluate((td) => { const r = document.createRange(); r.selectNodeContents(td); return new Set([...r.getClientRects()].map((b) => Math.round(b.top))).size; })).toBe(1);
  expect(await cordoned()).toEqual([]);

  // Halt all from Executed stops the run that is still going; the list follows it to its end
  // without a reload.
  await startCordon("general-b-1");
  const runPage = page.url();
  await page.getByRole("navigation", { name: "Team" }).getByRole("link", { name: "Executed" }).click();
  await expect(page.getByText("1 in progress")).toBeVisible();
  const newest = page.getByRole("table").getByRole("row").nth(1);
  await expect(newest).toContainText("running");
  let reloaded = false;
  page.on("load", () => (reloaded = true));
  await page.getByRole("button", { name: "Halt all runs" }).click();
  await expect(page.getByText("Stop the run in progress and roll back what it changed?")).toBeVisible();
  await page.getByRole("button", { name: "Halt all", exact: true }).click();
  await expect(alertBox(page)).toHaveText("Halted: 1 running run rolling back.");
  await expect(newest).toContainText("rolled back");
  await expect(page.getByText("0 in progress")).toBeVisible();
  expect(reloaded).toBe(false);
  await page.goto(runPage);
  await expect(page.getByTestId("run-state")).toHaveText("rolled back");
  await expect(page.getByTestId("run-stopped-by")).toHaveText("Halted by Barbara Liskov with “Halt all runs”; what it had changed was put back.");
  expect(await cordoned()).toEqual([]);
});
