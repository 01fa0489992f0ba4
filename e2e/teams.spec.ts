import { expect, test } from "./fixtures";
import { alertBox, mailedLink, newAccount, signUp } from "./helpers";
import { changeRole, createInviteLink, memberRow, secondBrowser } from "./team-pages";

test("invite by link → accept after signing up in another browser → change role → the role's limits show → remove", async ({
  page,
  browser,
}) => {
  const owner = newAccount("Olga Owner");
  const slug = await signUp(page, owner);
  const link = await createInviteLink(page, slug, "Member");
  // Shown once: after a reload the link is gone; the invitation is listed without it.
  await page.reload();
  await expect(page.getByLabel("Invitation link")).toHaveCount(0);
  await expect(page.getByRole("row").filter({ hasText: "Olga Owner" }).last()).toContainText("Member");
  expect(await page.content()).not.toContain(new URL(link).pathname.slice(8));

  const { context, page: guest } = await secondBrowser(browser, "10.252.0.1");
  await guest.goto(link);
  await expect(guest.getByRole("heading", { name: "Join Olga's team" })).toBeVisible();
  await expect(guest.getByText("Olga Owner invites you to the team Olga's team as Member")).toBeVisible();
  await guest.getByRole("link", { name: "Create an account" }).click();
  const mia = newAccount("Mia Member");
  await guest.getByLabel("Name").fill(mia.name);
  await guest.getByLabel("Email").fill(mia.email);
  await guest.getByLabel("Password").fill(mia.password);
  await guest.getByRole("button", { name: "Create account" }).click();
  // Confirm the address from the mail, sign in: back to the invitation.
  await guest.goto(await mailedLink(mia.email, "/verify-email/"));
  await guest.getByRole("button", { name: "Confirm my address" }).click();
  await guest.waitForURL(/\/signin\?notice=confirmed&callbackUrl=%2Finvite%2Finv_/);
  await guest.getByLabel("Email").fill(mia.email);
  await guest.getByLabel("Password").fill(mia.password);
  await guest.getByRole("button", { name: "Sign in" }).click();
  await guest.waitForURL(/\/invite\/inv_/);
  await expect(guest.getByText(`You are signed in as ${mia.email}`)).toBeVisible();
  await guest.getByRole("button", { name: "Join Olga's team" }).click();
  await guest.waitForURL(new RegExp(`/t/${slug}$`));
  await expect(guest.getByText("You are member of this team.")).toBeVisible();

  // The link worked once.
  await guest.goto(link);
  await expect(guest.getByText("This invitation has already been used")).toBeVisible();

  await page.reload();
  await expect(memberRow(page, mia.email)).toContainText("Member");
  await changeRole(page, mia.email, "Viewer");
  await expect(alertBox(page)).toHaveText("Mia Member is now viewer.");
  await expect(memberRow(page, mia.email).getByRole("cell").nth(2)).toHaveText("Viewer");
  // On a phone the members table scrolls inside its card; the page itself stays as wide as the
  // screen (each row's hidden role label and Remove box were laid out outside the table's box).
  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  // …and the table's card is as tall as its rows: a closed Remove box takes no room in it.
  const membersBox = page.getByRole("table").first().locator("xpath=..");
  expect(await membersBox.evaluate((el) => el.scrollHeight - el.clientHeight)).toBeLessThanOrEqual(0);
  await page.setViewportSize({ width: 1280, height: 720 });

  // As a viewer Mia reads, but cannot invite or manage, and management pages answer 403.
  await guest.goto(`/t/${slug}`);
  await expect(guest.getByText("You are viewer of this team.")).toBeVisible();
  await guest.goto(`/t/${slug}/settings/members`);
  await expect(
    guest.getByText("You are viewer in this team: only owners and admins invite people"),
  ).toBeVisible();
  await expect(guest.getByRole("button", { name: "Create invite link" })).toHaveCount(0);
  await expect(guest.getByRole("button", { name: "Change role" })).toHaveCount(0);
  await expect(
    guest.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "API tokens" }),
  ).toHaveCount(0);
  expect((await guest.goto(`/t/${slug}/settings/tokens`))?.status()).toBe(403);

  await page.reload();
  await memberRow(page, mia.email).getByText("Remove…").click();
  await memberRow(page, mia.email).getByRole("button", { name: "Remove Mia Member" }).click();
  await expect(alertBox(page)).toHaveText("The member was removed from the team and lost access at once.");
  await expect(memberRow(page, mia.email)).toHaveCount(0);
  expect((await guest.goto(`/t/${slug}`))?.status()).toBe(404);

  await page.goto(`/t/${slug}/settings/audit`);
  for (const action of ["Invited someone", "Joined the team", "Changed a member's role", "Removed a member"])
    await expect(page.getByRole("cell", { name: action, exact: true })).toBeVisible();
  await context.close();
});

test("the last owner cannot leave; ownership is transferred; the former owner leaves; the audit log filters", async ({
  page,
  browser,
}) => {
  const olga = newAccount("Olga Owner");
  const slug = await signUp(page, olga);
  const link = await createInviteLink(page, slug, "Admin");

  const { context, page: other } = await secondBrowser(browser, "10.252.0.2");
  const adam = newAccount("Adam Admin");
  await signUp(other, adam);
  await other.goto(link);
  await other.getByRole("button", { name: "Join Olga's team" }).click();
  await other.waitForURL(new RegExp(`/t/${slug}$`));

  // An admin cannot touch the owner.
  await other.goto(`/t/${slug}/settings/members`);
  await expect(memberRow(other, olga.email)).toContainText("Only owners manage owners");
  await expect(other.getByRole("heading", { name: "Transfer ownership" })).toHaveCount(0);

  await page.goto(`/t/${slug}/settings/members`);
  await page.getByText("Leave team…").click();
  await page.getByRole("button", { name: "Leave Olga's team" }).click();
  await expect(alertBox(page)).toHaveText(
    "You are the team's only owner. Transfer ownership to another member before leaving.",
  );
  await page.getByLabel("New owner").selectOption({ label: "Adam Admin (Admin)" });
  await page.getByText("Transfer ownership…").click();
  await page.getByRole("button", { name: "Confirm transfer" }).click();
  await expect(page.getByRole("status")).toHaveText("Adam Admin now owns the team; you are an admin.");
  await expect(memberRow(page, adam.email)).toContainText("Owner");
  await expect(memberRow(page, olga.email)).toContainText("Admin");
  await expect(page.getByRole("heading", { name: "Transfer ownership" })).toHaveCount(0);

  // The audit log, filtered by who and what; the filters live in the URL.
  await other.goto(`/t/${slug}/settings/audit`);
  await other.getByLabel("Who").selectOption({ label: `Adam Admin (${adam.email})` });
  await other.getByRole("button", { name: "Filter" }).click();
  await expect(other).toHaveURL(/who=/);
  const rows = other.getByRole("row");
  await expect(rows.filter({ hasText: "Joined the team" })).toHaveCount(1);
  await expect(rows.filter({ hasText: "Olga Owner" })).toHaveCount(0);
  await other.getByLabel("Who").selectOption({ label: "Anyone" });
  await other.getByLabel("What").selectOption({ label: "Transferred ownership of the team" });
  await other.getByRole("button", { name: "Filter" }).click();
  await expect(other).toHaveURL(/what=team\.ownership_transferred/);
  await expect(rows).toHaveCount(2); // the header and the one event
  await expect(rows.nth(1)).toContainText("Olga Owner");
  await expect(rows.nth(1)).toContainText(`to:${adam.email}`);
  const url = new URL(other.url());
  url.searchParams.set("from", "2999-01-01");
  await other.goto(url.toString());
  await expect(other.getByText("No events match")).toBeVisible();
  await other.getByRole("link", { name: "Clear filters" }).click();
  await expect(rows.filter({ hasText: "Invited someone" })).toHaveCount(1);

  // Olga, now an admin, may leave; her only team is gone, so she is asked to create one.
  // The confirmation may still be open from the refused attempt above.
  const leave = page.getByRole("button", { name: "Leave Olga's team" });
  if (!(await leave.isVisible())) await page.getByText("Leave team…").click();
  await leave.click();
  await page.waitForURL(/\/teams\/new$/);
  expect((await page.goto(`/t/${slug}`))?.status()).toBe(404);
  await other.goto(`/t/${slug}/settings/audit?what=member`);
  await expect(other.getByRole("cell", { name: "Left the team", exact: true })).toBeVisible();
  await context.close();
});

test("an invitation link: sign in to accept; expired after revocation; already a member", async ({
  page,
  browser,
}) => {
  const slug = await signUp(page, newAccount("Olga Owner"));
  const link = await createInviteLink(page, slug, "Viewer");
  const { context, page: other } = await secondBrowser(browser, "10.252.0.3");
  const vic = newAccount("Vic Viewer");
  await signUp(other, vic);
  await other.context().clearCookies();
  await other.goto(link);
  await other.getByRole("link", { name: "Sign in to accept" }).click();
  await other.getByLabel("Email").fill(vic.email);
  await other.getByLabel("Password").fill(vic.password);
  await other.getByRole("button", { name: "Sign in" }).click();
  await other.waitForURL(/\/invite\/inv_/);
  await other.getByRole("button", { name: "Join Olga's team" }).click();
  await other.waitForURL(new RegExp(`/t/${slug}$`));
  await other.goto(link);
  await expect(other.getByText("This invitation has already been used")).toBeVisible();

  // A revoked link stops working at once.
  const second = await createInviteLink(page, slug, "Member");
  await page.reload();
  await page.getByRole("button", { name: "Revoke" }).click();
  await expect(alertBox(page)).toHaveText("Invitation revoked: its link no longer works.");
  await expect(page.getByRole("button", { name: "Revoke" })).toHaveCount(0);
  await other.goto(second);
  await expect(other.getByText("This invitation was withdrawn")).toBeVisible();
  await other.goto("/invite/inv_not-a-real-token");
  await expect(other.getByText("This invitation link is not valid")).toBeVisible();
  await context.close();
});

test("an API token is shown once, works with the API, records its use, and stops working when revoked", async ({
  page,
  playwright,
}) => {
  const slug = await signUp(page, newAccount("Tina Token"));
  await page.goto(`/t/${slug}/settings/tokens`);
  await expect(page.getByText("No API tokens yet")).toBeVisible();

  // A refused form keeps what was typed.
  await page.getByLabel("Name").fill("CI deploys");
  await page.getByLabel("Read: clusters, actions, runs").uncheck();
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByText("Choose at least one scope")).toBeVisible();
  await expect(page.getByLabel("Name")).toHaveValue("CI deploys");

  await page.getByLabel("Read: clusters, actions, runs").check();
  await page.getByLabel("Run: start, abort and share runs").check();
  await page.getByLabel("Expires").selectOption({ label: "In 30 days" });
  await page.getByRole("button", { name: "Create token" }).click();
  const shown = page.getByLabel("New API token");
  await expect(shown).toHaveValue(/^pst_[A-Za-z0-9_-]{43}$/);
  await expect(page.getByText("it is shown only once")).toBeVisible();
  const token = await shown.inputValue();
  const row = page.getByTestId("token-CI deploys");
  await expect(row).toContainText("read, run");
  await expect(row).toContainText("Never");
  await expect(row).toContainText(token.slice(0, 12));

  const api = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
  const res = await api.get(`/api/v1/t/${slug}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ team: { slug }, role: "OWNER" });

  await page.reload();
  await expect(page.getByLabel("New API token")).toHaveCount(0);
  expect(await page.content()).not.toContain(token.slice(12));
  await expect(row).not.toContainText("Never");

  await row.getByText("Revoke…").click();
  await row.getByRole("button", { name: "Revoke CI deploys" }).click();
  await expect(alertBox(page)).toHaveText("Token revoked: requests that use it are refused from now on.");
  await expect(row).toContainText("revoked");
  await expect(row.getByText("Revoke…")).toHaveCount(0);
  const after = await api.get(`/api/v1/t/${slug}`, { headers: { authorization: `Bearer ${token}` } });
  expect(after.status()).toBe(401);
  await page.goto(`/t/${slug}/settings/audit?what=api_token`);
  await expect(page.getByRole("cell", { name: "Created an API token" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "Revoked an API token" })).toBeVisible();
  await api.dispose();
});
