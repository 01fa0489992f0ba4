import { expect, test } from "./fixtures";
import { alertBox, newAccount, signIn, signOut, signUp } from "./helpers";

test("sign up, see the team dashboard, create and switch team, sign out, sign in", async ({ page }) => {
  const account = newAccount("Grace Hopper");
  const slug = await signUp(page, account);
  await expect(page.getByRole("heading", { level: 1, name: "Grace's team" })).toBeVisible();
  await expect(page.getByText("You are owner of this team.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Connect a cluster" })).toBeVisible();
  for (const item of ["Overview", "Clusters", "Available actions", "Run", "Executed", "Settings"]) {
    await expect(
      page.getByRole("navigation", { name: "Team" }).getByRole("link", { name: item, exact: true }),
    ).toBeVisible();
  }

  await page.getByTestId("team-switcher").click();
  await page.getByRole("link", { name: "Create a team" }).click();
  await page.getByLabel("Team name").fill("Platform SRE");
  await page.getByRole("button", { name: "Create team" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Platform SRE" })).toBeVisible();
  expect(new URL(page.url()).pathname).toBe("/t/platform-sre");

  await page.getByTestId("team-switcher").click();
  await page.getByRole("link", { name: "Grace's team" }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${slug}$`));
  await expect(page.getByRole("heading", { level: 1, name: "Grace's team" })).toBeVisible();

  await signOut(page);
  await page.goto(`/t/${slug}/settings/members`);
  await expect(page).toHaveURL(`/signin?callbackUrl=${encodeURIComponent(`/t/${slug}/settings/members`)}`);

  // Signing in on that page returns to the page asked for.
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`/t/${slug}/settings/members`);
  await expect(page.getByRole("cell", { name: account.email })).toBeVisible();

  // Signing in from the sign-in page itself opens the first team.
  await signOut(page);
  await signIn(page, account);
  await expect(page).toHaveURL(new RegExp(`/t/${slug}$`));
});

test("a wrong password gives a clear error", async ({ page }) => {
  const account = newAccount();
  await signUp(page, account);
  await signOut(page);
  await signIn(page, { email: account.email, password: "not the password" });
  await expect(alertBox(page)).toHaveText("Wrong email or password.");
  await expect(page).toHaveURL(/\/signin/);
});

test("a signed-out visitor is sent to sign in", async ({ page }) => {
  await page.goto("/t/some-team/runs");
  await expect(page).toHaveURL("/signin?callbackUrl=%2Ft%2Fsome-team%2Fruns");
  // The home page is the public landing page, with the way to sign in.
  await page.goto("/");
  await expect(page.getByRole("link", { name: "Sign in" })).toHaveAttribute("href", "/signin");
});

test("sign-up refuses a duplicate email and bad input, keeping what was typed", async ({ page }) => {
  const account = newAccount();
  await signUp(page, account);
  await signOut(page);

  await page.goto("/signup");
  await page.getByLabel("Name").fill("Someone Else");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill("another password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("An account with this email already exists. Sign in instead.")).toBeVisible();
  await expect(page.getByLabel("Name")).toHaveValue("Someone Else");

  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await expect(page.getByText("Use at least 8 characters")).toBeVisible();
});

test("repeated wrong passwords for one email are throttled with the time to wait", async ({ page }) => {
  const account = newAccount();
  await signUp(page, account);
  await signOut(page);
  for (let i = 0; i < 5; i++) {
    await signIn(page, { email: account.email, password: `wrong ${i}` });
    await expect(alertBox(page)).toHaveText("Wrong email or password.");
  }
  // Even the right password waits until the window has passed.
  await signIn(page, account);
  await expect(alertBox(page)).toHaveText(/^Too many sign-in attempts\. Try again in \d+ seconds?\.$/);
});

test("sign out everywhere ends the sessions on other devices too", async ({ page, browser }) => {
  const account = newAccount("Two Devices");
  const slug = await signUp(page, account);
  const other = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    extraHTTPHeaders: { "x-forwarded-for": "10.252.0.1" },
  });
  const laptop = await other.newPage();
  await signIn(laptop, account);
  await expect(laptop).toHaveURL(new RegExp(`/t/${slug}$`));

  await page.getByTestId("user-menu").click();
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await page.waitForURL(/\/signin/);

  await laptop.reload();
  await expect(laptop).toHaveURL(/\/signin\?callbackUrl=/);
  await other.close();
});
