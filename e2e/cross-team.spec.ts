import { expect, test } from "./fixtures";
import { newAccount, signIn, signOut, signUp, teamApiRoutes, teamPages } from "./helpers";

// Outsiders must not learn that a team exists: every page of another team, and its server
// actions, answer exactly like a team that does not exist (404), and change nothing.
test("a member of team A is refused every page and action of team B", async ({ page }) => {
  const pages = teamPages();
  expect(pages).toEqual(
    expect.arrayContaining(["", "/clusters", "/actions", "/run", "/runs", "/settings", "/settings/members"]),
  );

  const bob = newAccount("Bob Builder");
  const bobSlug = await signUp(page, bob);
  await signOut(page);

  const alice = newAccount("Alice Liddell");
  const aliceSlug = await signUp(page, alice);

  for (const path of [...pages, "/no-such-page"]) {
    const res = await page.goto(`/t/${bobSlug}${path}`);
    expect(res?.status(), `GET /t/${bobSlug}${path}`).toBe(404);
    await expect(page.getByText("This page does not exist, or you do not have access to it")).toBeVisible();
    await expect(page.getByText("Bob's team")).toHaveCount(0);
  }
  // The same answer as for a team nobody has.
  expect((await page.goto("/t/no-such-team-anywhere"))?.status()).toBe(404);

  // The API answers the same with Alice's session: 404 for Bob's team, 200 for her own.
  const apiRoutes = teamApiRoutes();
  expect(apiRoutes).toContain("");
  for (const route of apiRoutes) {
    const res = await page.request.get(`/api/v1/t/${bobSlug}${route}`);
    expect(res.status(), `GET /api/v1/t/${bobSlug}${route}`).toBe(404);
    expect(await res.text()).not.toContain("Bob");
  }
  const own = await page.request.get(`/api/v1/t/${aliceSlug}`);
  expect(await own.json()).toMatchObject({ team: { slug: aliceSlug }, role: "OWNER", members: 1 });

  // Alice's own rename action, aimed at Bob's team by editing the form's team field.
  await page.goto(`/t/${aliceSlug}/settings`);
  await page.locator("form", { has: page.getByLabel("Team name") })
    .locator('input[name="slug"]')
    .evaluate((el, slug) => ((el as HTMLInputElement).value = slug), bobSlug);
  await page.getByLabel("Team name").fill("Taken over");
  const [response] = await Promise.all([
    page.waitForResponse(
      (r) => r.request().method() === "POST" && Boolean(r.request().headers()["next-action"]),
    ),
    page.locator("form", { has: page.getByLabel("Team name") }).getByRole("button", { name: "Save" }).click(),
  ]);
  expect(response.status()).toBe(404);
  await expect(page.getByText("Taken over")).toHaveCount(0);

  // Bob's team is unchanged, and its audit log holds no rename.
  await page.context().clearCookies();
  await signIn(page, bob);
  await page.waitForURL(new RegExp(`/t/${bobSlug}$`));
  await expect(page.getByRole("heading", { level: 1, name: "Bob's team" })).toBeVisible();
  await page.goto(`/t/${bobSlug}/settings/audit`);
  await expect(page.getByRole("cell", { name: "Created the team" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "Renamed the team" })).toHaveCount(0);
});
