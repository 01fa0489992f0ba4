import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { alertBox, newAccount, signUp } from "./helpers";
import { addSandboxCluster } from "./seed";

test.describe.configure({ timeout: 240_000 });

// The team's own fault runner image, as an owner sets it: Settings → Fault runner, a refusal
// for a reference that is not one, Save, the Run page's plan naming the team's image, the run's
// runner in the pod started from it, then "Use the default" back to the installation's.

const DEFAULT_IMAGE = "pystol-fault-runner:local";
const TEAM_IMAGE = "registry.example.com:5000/acme/fault-runner:2.0";

const imageField = (page: Page) => page.getByLabel("Fault runner image");
const imageForm = (page: Page) => page.locator("form", { has: imageField(page) });

test("an owner sets the team's runner image, a bad reference is refused, and the plan and the run use the team's image", async ({ page }) => {
  const slug = await signUp(page, newAccount("Grace Hopper"));
  const cluster = await addSandboxCluster(page, slug);

  await page.goto(`/t/${slug}/settings`);
  await expect(imageField(page)).toHaveAttribute("placeholder", DEFAULT_IMAGE);
  await expect(imageForm(page)).toContainText(`Now: ${DEFAULT_IMAGE} (the installation's default)`);
  // Nothing to go back to yet.
  await expect(imageForm(page).getByRole("button", { name: "Use the default" })).toHaveCount(0);

  // Not a reference: refused with a sentence, the typed text kept in the field.
  await imageField(page).fill("registry.example.com/acme/runner:1; rm -rf /");
  await imageForm(page).getByRole("button", { name: "Save" }).click();
  await expect(imageForm(page).getByText("An image reference has no spaces or shell characters")).toBeVisible();
  await expect(imageField(page)).toHaveValue("registry.example.com/acme/runner:1; rm -rf /");
  await imageField(page).fill("Registry.example.com/Acme/Runner");
  await imageForm(page).getByRole("button", { name: "Save" }).click();
  await expect(imageForm(page).getByText("That is not an image reference: write registry/repository[:tag][@sha256:digest]")).toBeVisible();

  await imageField(page).fill(TEAM_IMAGE);
  await imageForm(page).getByRole("button", { name: "Save" }).click();
  await expect(alertBox(page)).toHaveText(`Fault runner image saved: faults of this team now start ${TEAM_IMAGE}.`);
  await expect(imageForm(page)).toContainText(`Now: ${TEAM_IMAGE} (this team's own)`);
  await expect(imageField(page)).toHaveValue(TEAM_IMAGE);

  // The Run page's plan names the team's image, and the run's runner is started from it.
  await page.goto(`/t/${slug}/run`);
  await page.getByLabel("Action", { exact: true }).selectOption({ label: "CPU pressure" });
  await page.getByLabel(/^Namespace( \*)?$/).fill("shop");
  await page.getByLabel(/^Label selector( \*)?$/).fill("app=cart");
  await page.getByLabel(/^Pods to hit( \*)?$/).fill("1");
  await page.getByLabel(/^Duration \(seconds\)( \*)?$/).fill("60");
  await page.getByRole("button", { name: "Plan" }).click();
  const plan = page.getByTestId("plan");
  await expect(plan).toContainText(`Runner image${TEAM_IMAGE}`);
  await page.getByRole("button", { name: "Start run" }).click();
  await page.waitForURL(/\/runs\/[a-z0-9]+$/, { timeout: 90_000 });
  const step = page.getByRole("list", { name: "Steps" }).getByRole("listitem").filter({ hasText: "inject cpu into pod " }).first();
  await expect(step).toBeVisible({ timeout: 90_000 });
  const pod = /into pod (\S+)/.exec((await step.textContent())!)![1]!;
  await expect
    .poll(async () => {
      const p = await cluster.core.readNamespacedPod({ name: pod, namespace: "shop" });
      return (p.spec?.ephemeralContainers ?? []).map((c) => c.image);
    }, { timeout: 60_000 })
    .toContain(TEAM_IMAGE);
  await expect(step).toContainText(/succeeded/i, { timeout: 60_000 });
  await page.getByRole("button", { name: "Abort", exact: true }).click();
  await page.getByRole("button", { name: "Abort run" }).click();
  await expect(page.getByTestId("run-state")).toHaveText("rolled back", { timeout: 90_000 });

  // Back to the installation's image.
  await page.goto(`/t/${slug}/settings`);
  await imageForm(page).getByRole("button", { name: "Use the default" }).click();
  await expect(alertBox(page)).toHaveText("Faults of this team now start the installation's runner image.");
  await expect(imageForm(page)).toContainText(`Now: ${DEFAULT_IMAGE} (the installation's default)`);
  await expect(imageField(page)).toHaveValue("");

  // Both changes are in the audit log.
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("row").filter({ hasText: "Chose the team's fault runner image" })).toContainText("Grace Hopper");
  await expect(page.getByRole("row").filter({ hasText: "Set the team's fault runner image back to the installation's" })).toBeVisible();
});
