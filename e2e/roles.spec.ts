import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { alertBox, newAccount, signUp, teamPages } from "./helpers";
import { setRole } from "./seed";

// Alice gets a role in Bob's team directly in the database (invitations are tested through
// the UI in teams.spec.ts), then the test checks what each role may open and do.
async function renameVia(page: Page, ownSlug: string, targetSlug: string, name: string) {
  await page.goto(`/t/${ownSlug}/settings`);
  await page.locator("form", { has: page.getByLabel("Team name") })
    .locator('input[name="slug"]')
    .evaluate((el, slug) => ((el as HTMLInputElement).value = slug), targetSlug);
  await page.getByLabel("Team name").fill(name);
  await page.locator("form", { has: page.getByLabel("Team name") }).getByRole("button", { name: "Save" }).click();
}

test("a viewer reads but is refused management pages and actions with 403; an admin may", async ({
  page,
  browser,
}) => {
  const bobContext = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    extraHTTPHeaders: { "x-forwarded-for": "10.251.0.1" },
  });
  const bobPage = await bobContext.newPage();
  const bobSlug = await signUp(bobPage, newAccount("Bob Builder"));
  const alice = newAccount("Alice Liddell");
  const aliceSlug = await signUp(page, alice);
  await setRole(bobSlug, alice.email, "VIEWER");

  // Pages a viewer is refused: admins' pages, and the experiment editor (it needs runs:create).
  const adminOnly = ["/settings/tokens", "/settings/audit", "/settings/webhooks", "/clusters/connect", "/experiments/new", "/experiments/import"];
  for (const path of teamPages()) {
    const res = await page.goto(`/t/${bobSlug}${path}`);
    // A made-up cluster id is not in the team: such pages answer 404 to every role.
    const expected = path.includes("/cl0000000000000000000000") ? 404 : adminOnly.includes(path) ? 403 : 200;
    expect(res?.status(), `viewer GET ${path}`).toBe(expected);
  }
  await page.goto(`/t/${bobSlug}/settings/audit`);
  await expect(
    page.getByRole("heading", { name: "Your role in this team does not allow this" }),
  ).toBeVisible();

  await page.goto(`/t/${bobSlug}/settings`);
  await expect(page.getByLabel("Team name")).toBeDisabled();
  await expect(page.getByText("Only owners and admins can rename the team.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Audit log" })).toHaveCount(0);
  await renameVia(page, aliceSlug, bobSlug, "Viewer was here");
  await expect(alertBox(page)).toHaveText("Your role in this team does not allow this.");
  await bobPage.reload();
  await expect(bobPage.getByRole("heading", { level: 1, name: "Bob's team" })).toBeVisible();

  // The switcher lists both teams with Alice's role in each.
  await page.goto(`/t/${aliceSlug}`);
  await page.getByTestId("team-switcher").click();
  await expect(page.getByRole("link", { name: /Bob's team\s*Viewer/ })).toBeVisible();

  await setRole(bobSlug, alice.email, "ADMIN");
  expect((await page.goto(`/t/${bobSlug}/settings/audit`))?.status()).toBe(200);
  await renameVia(page, aliceSlug, bobSlug, "Renamed by an admin");
  await expect(alertBox(page)).toHaveText("Team renamed.");
  await bobPage.reload();
  await expect(bobPage.getByRole("heading", { level: 1, name: "Renamed by an admin" })).toBeVisible();
  await bobContext.close();
});
