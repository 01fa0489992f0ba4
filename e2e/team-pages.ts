// Page objects for the team settings pages (members, invitations, tokens), shared by the
// team and role-matrix browser tests.
import { expect, type Browser, type Page } from "@playwright/test";
import { test } from "./fixtures";

/** Creates an invitation link on the members page and returns it (it is shown once). */
export async function createInviteLink(
  page: Page,
  slug: string,
  role: "Admin" | "Member" | "Viewer",
): Promise<string> {
  await page.goto(`/t/${slug}/settings/members`);
  await page.getByLabel("Role", { exact: true }).selectOption({ label: role });
  await page.getByLabel("Link expires after").selectOption({ label: "7 days" });
  await page.getByRole("button", { name: "Create invite link" }).click();
  const link = page.getByLabel("Invitation link");
  await expect(link).toHaveValue(/\/invite\/inv_[A-Za-z0-9_-]{43}$/);
  await expect(page.getByText("It is shown only once")).toBeVisible();
  return link.inputValue();
}

/** The row of a member in the members table. */
export function memberRow(page: Page, email: string) {
  return page.getByTestId(`member-${email}`);
}

/** Chooses a new role for a member in the members table and submits it. */
export async function changeRole(page: Page, email: string, role: string): Promise<void> {
  const row = memberRow(page, email);
  await row.getByRole("combobox").selectOption({ label: role });
  await row.getByRole("button", { name: "Change role" }).click();
}

/** A second, separate browser (own cookies), with its own client address. */
export async function secondBrowser(browser: Browser, ip: string) {
  const context = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    extraHTTPHeaders: { "x-forwarded-for": ip },
  });
  return { context, page: await context.newPage() };
}
