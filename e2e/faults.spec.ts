import type { Page } from "@playwright/test";
import { CoordinationV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { expect, test } from "./fixtures";
import { alertBox, newAccount, signUp } from "./helpers";
import { addSandboxCluster } from "./seed";

test.describe.configure({ timeout: 240_000 });

// Every fault the runner makes inside pods, as a person starts it: the Run page, the form
// filled field by field, Plan, Start run, then the run page to its end: the fault held for
// its duration and released, or aborted. The cluster is checked as an outsider would: the
// runner's Lease is gone and its container in the pod has ended.
async function setUp(page: Page, name: string) {
  const slug = await signUp(page, newAccount(name));
  const cluster = await addSandboxCluster(page, slug);
  const kc = new KubeConfig();
  kc.loadFromString(cluster.kubeconfig);
  return { slug, ...cluster, leases: kc.makeApiClient(CoordinationV1Api) };
}
type Cluster = Awaited<ReturnType<typeof setUp>>;

async function openAction(page: Page, slug: string, title: string) {
  await page.goto(`/t/${slug}/run`);
  await page.getByLabel("Action", { exact: true }).selectOption({ label: title });
}

const plan = (page: Page) => page.getByTestId("plan");
const runState = (page: Page) => page.getByTestId("run-state");
const steps = (page: Page) => page.getByRole("list", { name: "Steps" });
const field = (page: Page, label: string) => page.getByLabel(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}( \\*)?$`));

async function fill(page: Page, values: Record<string, string>) {
  for (const [label, value] of Object.entries(values)) {
    const f = field(page, label);
    if ((await f.evaluate((el) => el.tagName)) === "SELECT") await f.selectOption(value);
    else await f.fill(value);
  }
}

/** The values every menu of the Run form shows (its DOM, what a person sees). */
const menuValues = (page: Page) => page.locator("form select").evaluateAll((els) => els.map((e) => (e as HTMLSelectElement).value));

async function planAndStart(page: Page, summary: string | RegExp) {
  const menus = await menuValues(page);
  await page.getByRole("button", { name: "Plan" }).click();
  await expect(plan(page)).toBeVisible();
  // The menus (action, direction, signal, answer) still show what was chosen.
  expect(await menuValues(page)).toEqual(menus);
  await expect(plan(page)).toContainText(summary);
  await expect(plan(page)).toContainText(/pystol-[0-9a-f]+-0/);
  await page.getByRole("button", { name: "Start run" }).click();
  await page.waitForURL(/\/runs\/[a-z0-9]+$/, { timeout: 90_000 });
}

/** The pod and runner of the run's (first) injection, read from its step on the page. */
async function injection(page: Page, kind: string): Promise<{ pod: string }> {
  const step = steps(page).getByRole("listitem").filter({ hasText: `inject ${kind} into pod ` }).first();
  await expect(step).toBeVisible({ timeout: 90_000 });
  const pod = /into pod (\S+)/.exec((await step.textContent())!)![1]!;
  return { pod };
}

/** Every runner of the pod has ended and no runner Lease is left in the namespace. */
async function faultGone(c: Cluster, pod: string) {
  await expect
    .poll(async () => (await c.leases.listNamespacedLease({ namespace: "shop" })).items.filter((l) => l.metadata?.name?.startsWith("pystol-")).length, { timeout: 30_000 })
    .toBe(0);
  await expect
    .poll(async () => {
      const p = await c.core.readNamespacedPod({ name: pod, namespace: "shop" }).catch(() => null);
      const statuses = p?.status?.ephemeralContainerStatuses ?? [];
      return p === null || (statuses.length > 0 && statuses.every((s) => s.state?.terminated !== undefined));
    }, { timeout: 30_000 })
    .toBe(true);
}

const cart = { Namespace: "shop", "Label selector": "app=cart", "Pods to hit": "1" };

const HELD: Array<{ title: string; kind: string; values: Record<string, string>; summary: string | RegExp }> = [
  {
    title: "Add network latency",
    kind: "network-latency",
    values: { ...cart, "Added latency (ms)": "300", "Jitter (ms)": "50", "Duration (seconds)": "3" },
    summary: "add 300 ms latency (jitter 50 ms) in 1 of 2 matching pods (app=cart in shop) for 3s",
  },
  {
    title: "Partition pods from destinations",
    kind: "network-partition",
    values: { ...cart, "Cut off pods matching": "app=checkout", "Cut off networks (one a line)": "10.99.0.0/16", "Duration (seconds)": "3" },
    summary: "cut off pods app=checkout, 1 network (both) in 1 of 2 matching pods",
  },
  {
    title: "Fail DNS lookups",
    kind: "dns",
    values: { ...cart, "Names to fail (one a line; * stands for labels)": "*.example.com\npayments.internal", Answer: "servfail", "Duration (seconds)": "3" },
    summary: "answer SERVFAIL for *.example.com, payments.internal in 1 of 2 matching pods",
  },
  {
    title: "Delay or fail HTTP requests",
    kind: "http",
    values: { ...cart, "Port the pods serve on": "7070", "Path prefix": "/cart", "Requests affected (%)": "50", "Answer with status": "503", "Duration (seconds)": "3" },
    summary: "answer 503 for 50 % of requests to port 7070 under /cart in 1 of 2 matching pods",
  },
  {
    title: "CPU pressure",
    kind: "cpu",
    values: { ...cart, "Cores to load": "1", "Load of each core (%)": "80", "Duration (seconds)": "3" },
    summary: "load 1 core to 80 % in 1 of 2 matching pods",
  },
  {
    title: "Memory pressure",
    kind: "memory",
    values: { ...cart, "Or: percentage of the pod's memory limit": "50", "Duration (seconds)": "3" },
    summary: "hold 50 % of the memory limit in 1 of 2 matching pods",
  },
  {
    title: "Kill a container's process",
    kind: "process-kill",
    values: { ...cart, Container: "cart", Rounds: "2", "Seconds between rounds": "2" },
    summary: "send SIGKILL to the main process of container cart, 2 rounds every 2s in 1 of 2 matching pods",
  },
];

for (const f of HELD) {
  test(`${f.title}: planned, injected, held for its duration and removed`, async ({ page }) => {
    const c = await setUp(page, `Fault ${f.kind}`);
    await openAction(page, c.slug, f.title);
    await fill(page, f.values);
    await planAndStart(page, f.summary);
    const { pod } = await injection(page, f.kind);
    await expect(runState(page)).toHaveText("succeeded", { timeout: 90_000 });
    await faultGone(c, pod);
  });
}

test("Drop network packets: aborted from the run page, the fault is removed and the run rolled back", async ({ page }) => {
  const c = await setUp(page, "Fault network-loss");
  await openAction(page, c.slug, "Drop network packets");
  await fill(page, { ...cart, "Packets to drop (%)": "30", "Direction (out: what the pods send; in: what they receive)": "both", "Duration (seconds)": "600" });
  await planAndStart(page, "drop 30 % of packets (both) in 1 of 2 matching pods (app=cart in shop) for 600s");
  const { pod } = await injection(page, "network-loss");
  await expect(steps(page).getByRole("listitem").filter({ hasText: "inject network-loss" })).toContainText(/succeeded/i, { timeout: 60_000 });
  await page.getByRole("button", { name: "Abort", exact: true }).click();
  await page.getByRole("button", { name: "Abort run" }).click();
  await expect(runState(page)).toHaveText("rolled back", { timeout: 60_000 });
  await faultGone(c, pod);
});

test("a namespace whose Pod Security level refuses the runner is refused at plan time, with the reason", async ({ page }) => {
  const c = await setUp(page, "Pod Security");
  await c.core.patchNamespace(
    { name: "shop", body: { metadata: { labels: { "pod-security.kubernetes.io/enforce": "baseline" } } } },
    setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
  );
  await openAction(page, c.slug, "Add network latency");
  await fill(page, { ...cart, "Added latency (ms)": "300" });
  await page.getByRole("button", { name: "Plan" }).click();
  await expect(alertBox(page)).toContainText("Namespace shop enforces the baseline Pod Security level, which refuses this fault's runner.");
  await expect(alertBox(page)).toContainText("CAP_NET_ADMIN");
  await expect(plan(page)).toHaveCount(0);
  // CPU pressure runs unprivileged: the same namespace admits it.
  await openAction(page, c.slug, "CPU pressure");
  await fill(page, { ...cart });
  await page.getByRole("button", { name: "Plan" }).click();
  await expect(plan(page)).toContainText("the runner needs restricted");
});
