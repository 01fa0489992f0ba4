import type { Page } from "@playwright/test";
import { stringify, parse } from "yaml";
import type { CreatedCluster } from "../lib/sandbox/admin-client";
import { expect, test } from "./fixtures";
import { alertBox, newAccount, signUp } from "./helpers";
import { sandboxAdmin } from "./seed";

// Connecting clusters as a person does it: the one-click sandbox, a kubeconfig upload with a
// context choice, a refused exec plugin, rename and delete. The stack allowlists 127.0.0.1, so
// the sandbox's own kubeconfigs pass the address rules as a user's cluster would.
const admin = sandboxAdmin();

/** Counts what a person does (clicks, files chosen, options picked): the flow must stay short. */
function steps(page: Page) {
  let count = 0;
  return {
    click: async (name: string | RegExp, role: "button" | "link" = "button") => {
      count += 1;
      await page.getByRole(role, { name }).first().click();
    },
    chooseFile: async (name: string, content: string) => {
      count += 1;
      await page.getByLabel("Upload a kubeconfig file").setInputFiles({ name, mimeType: "text/yaml", buffer: Buffer.from(content) });
    },
    pick: async (label: string, value: string) => {
      count += 1;
      await page.getByLabel(label).selectOption(value);
    },
    get count() {
      return count;
    },
  };
}

/** Every response body the app sends this page, to prove a secret never travels back. */
function recordResponses(page: Page) {
  const bodies: Promise<string>[] = [];
  // Only requests whose body arrived in full; an open stream would never settle.
  page.on("requestfinished", (req) => {
    if (new URL(req.url()).host === new URL(test.info().project.use.baseURL!).host) {
      // Read at once: Chromium drops a page's bodies when the next document loads.
      bodies.push(
        req
          .response()
          .then((res) => res?.text() ?? "")
          .catch(() => ""),
      );
    }
  });
  return async () => (await Promise.all(bodies)).join("\n");
}

/** Two sandbox clusters in one kubeconfig, contexts "staging" and "production", no current one. */
function twoContexts(a: CreatedCluster, b: CreatedCluster): string {
  type Kc = { clusters: { cluster: object }[]; users: { user: object }[] };
  const names = ["staging", "production"];
  const files = [a, b].map((c) => parse(c.kubeconfig) as Kc);
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: files.map((k, i) => ({ name: `${names[i]}-cluster`, cluster: k.clusters[0]!.cluster })),
    users: files.map((k, i) => ({ name: `${names[i]}-admin`, user: k.users[0]!.user })),
    contexts: names.map((n) => ({ name: n, context: { cluster: `${n}-cluster`, user: `${n}-admin`, namespace: "default" } })),
  });
}

test("a fresh account adds a sandbox cluster in one click, sees it connected, and deleting it deletes the virtual cluster", async ({
  page,
}) => {
  const slug = await signUp(page, newAccount("Margaret Hamilton"));
  const act = steps(page);
  await act.click("Clusters", "link");
  await page.waitForURL(`**/t/${slug}/clusters`);
  await expect(page.getByRole("heading", { name: "No clusters yet" })).toBeVisible();
  await act.click("Add a sandbox cluster");
  await expect(alertBox(page)).toContainText('Sandbox cluster "sandbox" is ready');
  const row = page.getByTestId("cluster-row").filter({ hasText: "sandbox" });
  await expect(row).toContainText("connected");
  await expect(row).toContainText(/v1\.\d+/);
  // From a fresh account: the Clusters link and one button.
  expect(act.count).toBeLessThanOrEqual(2);
  expect((await admin.listClusters()).some((c) => c.name === `${slug}-sandbox`)).toBe(true);

  // The row links to the cluster; its settings show what the credentials allow.
  await expect(row.getByRole("link", { name: "sandbox" })).toHaveAttribute("href", new RegExp(`/t/${slug}/clusters/c[a-z0-9]+$`));
  await row.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByTestId("action-pod-kill")).toContainText("allowed");

  await page.getByRole("button", { name: "Delete cluster" }).click();
  await expect(page.getByText('Type "sandbox" exactly')).toBeVisible();
  await page.getByLabel('Type "sandbox" to confirm').fill("sandbox");
  await page.getByRole("button", { name: "Delete cluster" }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${slug}/clusters$`));
  await expect(page.getByRole("heading", { name: "No clusters yet" })).toBeVisible();
  expect((await admin.listClusters()).some((c) => c.name === `${slug}-sandbox`)).toBe(false);
});

test("uploading a kubeconfig: pick a context, test it, connect, rename, delete; the token never comes back", async ({
  page,
}) => {
  test.slow(); // the longest flow of the product, on a shared machine
  const [staging, production] = await Promise.all([admin.createCluster({ seed: "empty" }), admin.createCluster({ seed: "demo" })]);
  const slug = await signUp(page, newAccount("Katherine Johnson"));
  const responses = recordResponses(page);
  const act = steps(page);

  await act.click("Clusters", "link");
  await page.waitForURL(`**/t/${slug}/clusters`);
  await act.click("Connect a cluster", "link");
  await page.waitForURL(`**/t/${slug}/clusters/connect`);
  await act.chooseFile("kubeconfig.yaml", twoContexts(staging, production));
  await act.pick("Context", "production");
  await expect(page.getByLabel("Cluster name")).toHaveValue("production");
  await act.click("Test connection");
  const result = page.getByTestId("connection-test");
  await expect(result).toContainText("Connection works.");
  await expect(result).toContainText(/v1\.\d+/);
  await expect(result.getByTestId("action-pod-kill")).toContainText("allowed");
  await expect(result.getByTestId("action-node-drain")).toContainText("allowed");
  await act.click("Connect cluster");

  // Connected: its settings page, with the production cluster's nodes and permissions.
  await expect(page).toHaveURL(new RegExp(`/t/${slug}/clusters/c[a-z0-9]+/settings$`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText("production");
  await expect(page.getByTestId("connection-status")).toContainText("connected");
  await expect(page.getByTestId("connection-server")).toContainText(new URL(production.server).host);
  await expect(page.getByTestId("action-pod-kill")).toContainText("allowed");
  // A fresh account connects a kubeconfig in a handful of steps.
  expect(act.count).toBeLessThanOrEqual(6);

  // Rename; a refused name keeps what was typed.
  await page.getByLabel("Cluster name").fill("bad/name");
  await page.getByRole("button", { name: "Rename" }).click();
  await expect(page.getByText(/starts with a letter or digit/).first()).toBeVisible();
  await expect(page.getByLabel("Cluster name")).toHaveValue("bad/name");
  await page.getByLabel("Cluster name").fill("Production");
  await page.getByRole("button", { name: "Rename" }).click();
  await expect(alertBox(page).filter({ hasText: "Cluster renamed." })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Production");

  await page.getByRole("navigation", { name: "Team" }).getByRole("link", { name: "Clusters" }).click();
  await page.waitForURL(`**/t/${slug}/clusters`);
  const row = page.getByTestId("cluster-row").filter({ hasText: "Production" });
  await expect(row).toContainText(new URL(production.server).host);
  await expect(row).toContainText("connected");
  await expect(row).toContainText(/v1\.\d+/);

  // Neither token reached the browser: not in any page, not in any action's answer.
  // A page reached by a link is drawn from a streamed answer that may not have finished yet:
  // load the list in full once, so the recording surely holds an answer naming the server.
  await page.reload();
  await expect(row).toContainText(new URL(production.server).host);
  await expect.poll(responses, { timeout: 15_000 }).toContain(new URL(production.server).host);
  const seen = await responses();
  for (const token of [staging.token, production.token]) {
    expect(await page.content()).not.toContain(token);
    expect(seen).not.toContain(token);
  }

  await row.getByRole("link", { name: "Settings" }).click();
  await page.getByLabel('Type "Production" to confirm').fill("Production");
  await page.getByRole("button", { name: "Delete cluster" }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${slug}/clusters$`));
  await expect(page.getByTestId("cluster-row")).toHaveCount(0);
});

test("a kubeconfig with an exec plugin is refused, naming the rule and the place in the file", async ({ page }) => {
  const slug = await signUp(page, newAccount("Barbara Liskov"));
  await page.goto(`/t/${slug}/clusters/connect`);
  const file = `apiVersion: v1
kind: Config
clusters:
- name: eks
  cluster: {server: "https://eks.example.com"}
users:
- name: aws
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: aws, args: [eks, get-token]}
contexts:
- name: eks
  context: {cluster: eks, user: aws}
current-context: eks
`;
  await page.getByLabel("Upload a kubeconfig file").setInputFiles({ name: "eks.yaml", mimeType: "text/yaml", buffer: Buffer.from(file) });
  const refusal = page.getByRole("alert").filter({ hasText: "This kubeconfig was refused." });
  await expect(refusal).toContainText("exec credential plugins run a program");
  await expect(refusal.getByTestId("refusal-rule")).toHaveText("exec-plugin");
  await expect(refusal.getByTestId("refusal-place")).toHaveText("users[0].user.exec");
  // Nothing was stored.
  await page.getByRole("button", { name: "Connect cluster" }).click();
  await expect(refusal).toBeVisible();
  await page.goto(`/t/${slug}/clusters`);
  await expect(page.getByRole("heading", { name: "No clusters yet" })).toBeVisible();
});
