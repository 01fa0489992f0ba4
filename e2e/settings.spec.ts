import { expect, test } from "./fixtures";
import { alertBox, newAccount, signUp } from "./helpers";

test("an owner renames the team; an over-long name is refused with a message and kept in the field", async ({
  page,
}) => {
  const slug = await signUp(page, newAccount("Linus Torvalds"));
  await page.getByRole("navigation", { name: "Team" }).getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${slug}/settings$`));

  const long = "x".repeat(61);
  await page.getByLabel("Team name").fill(long);
  await page.locator("form", { has: page.getByLabel("Team name") }).getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("A team name has at most 60 characters")).toBeVisible();
  await expect(page.getByLabel("Team name")).toHaveValue(long);

  await page.getByLabel("Team name").fill("Kernel Chaos");
  await page.locator("form", { has: page.getByLabel("Team name") }).getByRole("button", { name: "Save" }).click();
  await expect(alertBox(page)).toHaveText("Team renamed.");
  await expect(page.getByTestId("team-switcher")).toHaveText(/Kernel Chaos/);

  // The rename is in the audit log, with who did it.
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("row").filter({ hasText: "Renamed the team" })).toContainText("Linus Torvalds");
});
