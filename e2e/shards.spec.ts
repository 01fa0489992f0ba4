import { test, expect } from "./fixtures";
import { sql } from "./seed";

// A cluster on a sandbox shard that does not answer (the stack configures a second shard,
// "shard-down", and never starts it): its page says so in one plain sentence, and a trial
// starts over on a shard that answers. Killing and restarting a real shard, with its clusters
// coming back, is lib/clusters/sandbox-shards.test.ts.

test.describe.configure({ timeout: 360_000 });

test("a trial whose cluster's shard is down says so plainly and starts over on a live shard", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("button", { name: "Try it now — no sign-up" }).click();
  await page.waitForURL(/\/t\/trial-[a-z0-9-]+\/clusters\/c[a-z0-9]+$/);
  await expect(page.getByRole("heading", { level: 1, name: "demo-shop" })).toBeVisible();
  const first = new URL(page.url()).pathname;
  const clusterId = first.split("/").pop()!;
  // New clusters go to the shards that answer.
  expect((await sql<{ sandboxShard: string }>(`SELECT "sandboxShard" FROM "Cluster" WHERE "id" = $1`, [clusterId]))[0]?.sandboxShard).toBe("default");

  // The shard holding it goes away (as far as Pystol knows: the row names the shard that is down).
  await sql(`UPDATE "Cluster" SET "sandboxShard" = 'shard-down' WHERE "id" = $1`, [clusterId]);
  await page.reload();
  const alert = page.getByTestId("shard-down");
  await expect(alert.getByRole("heading", { name: "This cluster is not answering right now" })).toBeVisible();
  await expect(alert).toContainText("The sandbox shard holding this cluster is not answering, so runs on it cannot start.");
  await expect(page.getByText(/ECONNREFUSED|Error:|stack/)).toHaveCount(0);
  // The other tabs say the same.
  await page.goto(`${first}/pods`);
  await expect(page.getByTestId("shard-down")).toContainText("runs on it cannot start");

  // A new trial: a new cluster, on the live shard, that works.
  await page.getByRole("button", { name: "Start a new trial" }).click();
  await expect(page).not.toHaveURL(new RegExp(`${first}(/pods)?$`), { timeout: 120_000 });
  await page.waitForURL(/\/t\/trial-[a-z0-9-]+\/clusters\/c[a-z0-9]+$/);
  await expect(page.getByRole("heading", { level: 1, name: "demo-shop" })).toBeVisible();
  await expect(page.getByTestId("shard-down")).toHaveCount(0);
  await expect(page.getByText("Recent runs against this cluster")).toBeVisible();
  const second = new URL(page.url()).pathname.split("/").pop()!;
  expect((await sql<{ sandboxShard: string }>(`SELECT "sandboxShard" FROM "Cluster" WHERE "id" = $1`, [second]))[0]?.sandboxShard).toBe("default");
});
