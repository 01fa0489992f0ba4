import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { newAccount, signUp } from "./helpers";
import { addSandboxCluster } from "./seed";

test.describe.configure({ timeout: 300_000 });

// Experiments as code, as a person uses it in the app: import a YAML file (a refused one first,
// its problems at their lines), preview and apply it, export it as YAML and JSON, import a
// changed copy as a new version, and compare the two versions on the experiment's page.

const fileText = (cluster: string, opts: { actionId?: string; count?: number } = {}) => `apiVersion: pystol.io/v1
kind: Experiment
metadata:
  name: cart survives as code
  cluster: ${cluster}
spec:
  description: The cart keeps its replicas while one of its pods is killed.
  stages:
    - name: lose a cart pod
      faults:
        - actionId: ${opts.actionId ?? "pod-kill"}
          params: { namespace: shop, labelSelector: app=cart, count: ${opts.count ?? 1} }
  checks:
    - name: cart replicas
      type: kubernetes
      check: { condition: workload-available, workload: Deployment, namespace: shop, name: cart, minAvailable: 1 }
`;

async function upload(page: Page, name: string, text: string) {
  await page.getByLabel("Upload a YAML or JSON file").setInputFiles({ name, mimeType: "application/yaml", buffer: Buffer.from(text) });
  await expect(page.getByLabel(`${name} (you can edit it here)`)).toHaveValue(text);
}

async function download(page: Page, link: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: link }).click()]);
  return { name: file.suggestedFilename(), text: await readFile((await file.path())!, "utf8") };
}

test("import a YAML file, export it as YAML and JSON, apply a changed copy and compare the versions", async ({ page }) => {
  const slug = await signUp(page, newAccount("Grace Hopper"));
  const cluster = await addSandboxCluster(page, slug);

  await page.goto(`/t/${slug}/experiments`);
  await page.getByRole("link", { name: "Import" }).click();
  await page.waitForURL(/\/experiments\/import$/);

  // A file that does not validate: each problem with its line and column, in words.
  await upload(page, "cart.yaml", fileText(cluster.name, { actionId: "pod-kil" }));
  await page.getByRole("button", { name: "Preview" }).click();
  const problems = page.getByTestId("import-problems");
  await expect(problems).toContainText("Line 11, column 21 (stage 1, fault 1, actionId): There is no action pod-kil; see the action catalogue.");
  await expect(page.getByRole("alert").first()).not.toContainText(/Invalid input|ZodError|expected/);

  // Fixed: the preview says it would be created and shows the file as added lines; Apply saves it.
  await upload(page, "cart.yaml", fileText(cluster.name));
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByTestId("import-outcome")).toContainText("A new experiment would be created at version 1. Nothing is saved until you apply it.");
  await page.getByRole("button", { name: "Apply" }).click();
  await page.waitForURL(/\/experiments\/c[a-z0-9]+$/);
  await expect(page.getByRole("heading", { name: "cart survives as code" })).toBeVisible();
  await expect(page.getByText("version 1", { exact: false }).first()).toBeVisible();
  await expect(page.getByText("One version so far; each save makes a new one")).toBeVisible();
  const experimentUrl = page.url();

  // Export: YAML naming its schema, and JSON; both read back as the same experiment.
  const yaml = await download(page, "Export YAML");
  expect(yaml.name).toBe("cart-survives-as-code.yaml");
  expect(yaml.text).toMatch(/^# yaml-language-server: \$schema=http.*\/schemas\/experiment-v1\.json\napiVersion: pystol\.io\/v1\nkind: Experiment\nmetadata:\n  name: cart survives as code\n/);
  const json = await download(page, "Export JSON");
  expect(json.name).toBe("cart-survives-as-code.json");
  expect(JSON.parse(json.text)).toMatchObject({ kind: "Experiment", metadata: { name: "cart survives as code", cluster: cluster.name }, spec: { stages: [{ faults: [{ params: { count: 1 } }] }] } });

  // The exported file imported as it is: unchanged, no version made.
  await page.goto(`/t/${slug}/experiments/import`);
  await upload(page, yaml.name, yaml.text);
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("import-outcome")).toContainText("cart survives as code is unchanged: the file says what its current version says, so no new version is made (version 1).");

  // A changed copy (two pods): a new version, and the page compares version 1 with version 2.
  await upload(page, "cart-v2.yaml", yaml.text.replace("count: 1", "count: 2"));
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByTestId("import-outcome")).toContainText("cart survives as code would get a new version.");
  await page.getByRole("button", { name: "Apply" }).click();
  await page.waitForURL(experimentUrl);
  await expect(page.getByText("version 2", { exact: false }).first()).toBeVisible();

  const diff = page.getByTestId("version-diff");
  await expect(diff.getByLabel("From version", { exact: true })).toHaveValue("1");
  await expect(diff.getByLabel("To version", { exact: true })).toHaveValue("2");
  await expect(diff).toContainText("1 line added, 1 removed");
  const table = diff.getByRole("table", { name: "Changes from version 1 to version 2" });
  await expect(table.locator('tr[data-op="remove"]')).toHaveText([/count: 1/]);
  await expect(table.locator('tr[data-op="add"]')).toHaveText([/count: 2/]);
  await expect(table).toContainText("unchanged lines");
  await diff.getByLabel("From version", { exact: true }).selectOption("2");
  await expect(diff).toContainText("The same version.");
  await expect(table).toBeHidden();
});
