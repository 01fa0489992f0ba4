import { expect, test } from "./fixtures";
import { alertBox, mailedLink, mailsTo, newAccount, signIn, signOut, signUp } from "./helpers";

test("sign up, see the team dashboard, create and switch team, sign out, sign in", async ({ page }) => {
  const account = newAccount("Grace Hopper");
  const slug = await signUp(page, account);
  await expect(page.getByRole("heading", { level: 1, name: "Grace's team" })).toBeVisible();
  await expect(page.getByText("You are owner of this team.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Connect a cluster" })).toBeVisible();
  for (const item of ["Overview", "Clusters", "Available actions", "Run", "Executed", "Experiments", "Resilience", "Schedules", "Settings"]) {
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

test("sign-up answers the same for a taken address (its owner gets a mail), and refuses bad input and weak passwords", async ({
  page,
}) => {
  const account = newAccount();
  await signUp(page, account);
  await signOut(page);

  await page.goto("/signup");
  await page.getByLabel("Name").fill("Someone Else");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill("another long passphrase");
  await page.getByRole("button", { name: "Create account" }).click();
  // The very answer a new address gets: nothing tells that this one has an account.
  await expect(page.getByTestId("link-sent")).toContainText("Check your inbox.");
  await expect(page.getByTestId("link-sent")).toContainText(`We sent a mail to ${account.email}.`);
  await expect(page.getByText(/already exists/)).toHaveCount(0);
  await expect.poll(async () => (await mailsTo(account.email)).map((m) => m.subject)).toContain(
    "Someone tried to create a Pystol account with your address",
  );
  // The account is unchanged: the old password still signs in, the new one does not.
  await signIn(page, { email: account.email, password: "another long passphrase" });
  await expect(alertBox(page)).toHaveText("Wrong email or password.");
  await signIn(page, account);
  await expect(page).toHaveURL(/\/t\/[a-z0-9-]+$/);
  await signOut(page);

  await page.goto("/signup");
  await page.getByLabel("Name").fill("Someone Else");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await expect(page.getByText("Use at least 8 characters")).toBeVisible();
  await expect(page.getByLabel("Name")).toHaveValue("Someone Else");

  // Common and personal passwords are refused with a sentence that says what to do.
  const fresh = newAccount("Alan Turing");
  for (const [weak, why] of [
    ["password", "This password is too easy to guess: this is a heavily used password."],
    ["12345678", "This password is too easy to guess"],
    [fresh.email, "This password is built from your name, your email address or this site's name"],
  ] as const) {
    // A fresh form each time, so one answer is never mistaken for the next.
    await page.goto("/signup");
    await page.getByLabel("Name").fill(fresh.name);
    await page.getByLabel("Email").fill(fresh.email);
    await page.getByLabel("Password").fill(weak);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText(why)).toBeVisible();
    await expect(page.getByText("Use a longer password, such as three or four unrelated words.")).toBeVisible();
  }
});

test("sign-in with an empty field says which one", async ({ page }) => {
  await page.goto("/signin");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(alertBox(page)).toHaveText("Enter your email address and your password.");
  await page.getByLabel("Email").fill("someone@example.test");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(alertBox(page)).toHaveText("Enter your password.");
  await page.getByLabel("Email").fill("");
  await page.getByLabel("Password").fill("something");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(alertBox(page)).toHaveText("Enter your email address.");
});

test("forgot password: the mailed link sets a new password, signs in, ends other sessions, and works once", async ({
  page,
  browser,
}) => {
  const account = newAccount("Forgetful Fran");
  const slug = await signUp(page, account);
  // Another device stays signed in until the reset.
  const other = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const laptop = await other.newPage();
  await signIn(laptop, account);
  await expect(laptop).toHaveURL(new RegExp(`/t/${slug}$`));
  await signOut(page);

  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page).toHaveURL("/forgot-password");
  await page.getByLabel("Email").fill(account.email);
  await page.getByRole("button", { name: "Send me a link" }).click();
  await expect(page.getByTestId("link-sent")).toContainText("If an account uses this address");
  // An unknown address gets the very same answer.
  await page.goto("/forgot-password");
  await page.getByLabel("Email").fill(newAccount().email);
  await page.getByRole("button", { name: "Send me a link" }).click();
  await expect(page.getByTestId("link-sent")).toContainText("If an account uses this address");

  const link = await mailedLink(account.email, "/reset-password/");
  await page.goto(link);
  await page.getByLabel("New password").fill("password");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByText("This password is too easy to guess")).toBeVisible();
  const fresh = "marble canyon whistle pepper";
  await page.getByLabel("New password").fill(fresh);
  await page.getByRole("button", { name: "Set new password" }).click();
  await page.waitForURL(new RegExp(`/t/${slug}$`));

  // The other device's session ended; the old password no longer works; the link is used up.
  await laptop.reload();
  await expect(laptop).toHaveURL(/\/signin/);
  await signIn(laptop, account);
  await expect(alertBox(laptop)).toHaveText("Wrong email or password.");
  await laptop.goto(link);
  await expect(laptop.getByText("This link has expired or was already used.")).toBeVisible();
  await other.close();
});

test("repeated wrong passwords for one account from one address are throttled with the time to wait", async ({ page }) => {
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
