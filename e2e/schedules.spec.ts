import { expect, test } from "./fixtures";
import { newAccount, signUp } from "./helpers";
import { addSandboxCluster, sql } from "./seed";

test.describe.configure({ timeout: 180_000 });

// Schedules as a person uses them: a form that says what is wrong with an expression and shows
// the next five times before saving; the list with the expression in words; pause, resume, delete.
test("create a schedule with a previewed cron expression, pause it, resume it and delete it", async ({ page }) => {
  const slug = await signUp(page, newAccount("Margaret Hamilton"));
  const cluster = await addSandboxCluster(page, slug);

  await page.getByRole("navigation", { name: "Team" }).getByRole("link", { name: "Schedules" }).click();
  await expect(page.getByRole("heading", { name: "No schedules yet" })).toBeVisible();
  await page.getByRole("link", { name: "New schedule" }).first().click();

  // No experiment yet: the form offers one action, with its params as JSON.
  await expect(page.getByText("This team has no experiment yet")).toHaveCount(0);
  await page.getByLabel("Action", { exact: true }).selectOption("pod-kill");
  await page.getByLabel("Cluster", { exact: true }).selectOption(cluster.clusterId);

  // A bad expression is explained as it is typed; nothing is previewed.
  const cron = page.getByLabel("Cron expression");
  await cron.fill("61 * * * *");
  await expect(page.getByText(/is not a valid cron expression: constraint error, got value 61 expected range 0-59/)).toBeVisible();
  await cron.fill("0 3 * * 1-5");
  await page.getByLabel("Time zone").selectOption("Europe/Madrid");
  const next = page.getByRole("region", { name: "Next times" });
  await expect(next).toContainText("on weekdays at 03:00");
  await expect(next.getByRole("listitem")).toHaveCount(5);
  await expect(next.getByRole("listitem").first()).toContainText("03:00:00");

  // Params the action refuses come back under the field, with what was typed kept.
  await page.getByLabel("Parameters (JSON)").fill('{ "namespace": "shop" ');
  await page.getByRole("button", { name: "Create schedule" }).click();
  await expect(page.getByText("Write the parameters as a JSON object")).toBeVisible();
  await page.getByLabel("Parameters (JSON)").fill('{ "namespace": "shop", "labelSelector": "app=cart", "count": 0 }');
  await page.getByRole("button", { name: "Create schedule" }).click();
  await expect(page.getByText(/at least 1/)).toBeVisible();
  await page.getByLabel("Parameters (JSON)").fill('{ "namespace": "shop", "labelSelector": "app=cart", "count": 1 }');
  await page.getByRole("button", { name: "Create schedule" }).click();

  await expect(page).toHaveURL(new RegExp(`/t/${slug}/schedules$`));
  const row = page.getByRole("row", { name: /Schedule Kill pods/ });
  await expect(row).toContainText("on weekdays at 03:00");
  await expect(row).toContainText("0 3 * * 1-5");
  await expect(row).toContainText("Europe/Madrid");
  await expect(row).toContainText("Not fired yet");
  await expect(row).toContainText("by Margaret Hamilton");

  await row.getByRole("button", { name: "Pause" }).click();
  await expect(row).toContainText("Paused");
  await row.getByRole("button", { name: "Resume" }).click();
  await expect(row.getByRole("button", { name: "Pause" })).toBeVisible();
  await expect(row).not.toContainText("Paused");

  // Editing keeps the form's preview and saves the new expression.
  await row.getByRole("link", { name: /Kill pods/ }).click();
  await page.getByLabel("Cron expression").fill("*/15 * * * *");
  await expect(page.getByRole("region", { name: "Next times" })).toContainText("every 15 minutes");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("row", { name: /Schedule Kill pods/ })).toContainText("every 15 minutes");

  await page.getByRole("row", { name: /Schedule Kill pods/ }).getByRole("button", { name: "Delete" }).click();
  await page.getByRole("button", { name: "Delete" }).last().click();
  await expect(page.getByRole("heading", { name: "No schedules yet" })).toBeVisible();

  const audit = await sql<{ action: string }>(
    `SELECT a.action FROM "AuditEvent" a JOIN "Team" t ON t.id = a."teamId" WHERE t.slug = $1 AND a.action LIKE 'schedule.%' ORDER BY a.at`,
    [slug],
  );
  expect(audit.map((a) => a.action)).toEqual(["schedule.created", "schedule.paused", "schedule.resumed", "schedule.updated", "schedule.deleted"]);
});
