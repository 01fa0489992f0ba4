import { expect, test } from "./fixtures";
import { newAccount, signUp } from "./helpers";

// Open redirects through callbackUrl: each value as it travels in the query string. A browser
// drops tabs and newlines and reads backslashes as slashes, so "/%09/host" is "//host".
const hostile = [
  "%2F%09%2F127.0.0.1%3A17080%2Fx",
  "%2F%0A%2F127.0.0.1%3A17080%2Fx",
  "%2F%0D%2F127.0.0.1%3A17080%2Fx",
  "%2F%5C127.0.0.1%3A17080%2Fx",
  "%5C%5C127.0.0.1%3A17080%2Fx",
  "%2F%2F127.0.0.1%3A17080%2Fx",
  "%2F%2Fevil%E3%80%82example%2Fx",
  "https%3A%2F%2Fevil.example%2Fx",
  "%2F.%2F%2Fevil.example%2Fx",
];

test("a signed-in visitor sent to /signin or /signup with a hostile callbackUrl stays on the site", async ({ page }) => {
  await signUp(page, newAccount("Redirect Target"));
  const origin = new URL(test.info().project.use.baseURL!).origin;
  for (const value of hostile) {
    for (const path of ["/signin", "/signup"]) {
      const res = await page.request.get(`${path}?callbackUrl=${value}`, { maxRedirects: 0 });
      expect(res.status(), `${path} ${value}`).toBe(307);
      const location = res.headers().location!;
      // Resolved as the browser resolves it: on this site, at its root.
      expect(new URL(location, origin).href, `${path} ${value}`).toBe(`${origin}/`);
    }
  }
  // A path on the site is still followed.
  const ok = await page.request.get(`/signin?callbackUrl=${encodeURIComponent("/teams/new")}`, { maxRedirects: 0 });
  expect(ok.headers().location).toBe("/teams/new");
  // And a browser that follows it ends up on the site.
  await page.goto(`/signin?callbackUrl=${hostile[0]}`);
  expect(new URL(page.url()).origin).toBe(origin);
});

test("signing in on a page with a hostile callbackUrl lands on the site", async ({ page, browser }) => {
  const account = newAccount("Careful Clicker");
  await signUp(page, account);
  const origin = new URL(test.info().project.use.baseURL!).origin;
  const fresh = await browser.newContext({ baseURL: origin });
  const visitor = await fresh.newPage();
  // Anything that leaves the site would fail to load (nothing listens there) and show in the URL.
  const offsite: string[] = [];
  visitor.on("request", (r) => {
    if (new URL(r.url()).origin !== origin) offsite.push(r.url());
  });
  for (const value of [hostile[0]!, hostile[6]!]) {
    await visitor.goto(`/signin?callbackUrl=${value}`);
    await visitor.getByLabel("Email").fill(account.email);
    await visitor.getByLabel("Password").fill(account.password);
    await visitor.getByRole("button", { name: "Sign in" }).click();
    await visitor.waitForURL(/\/t\/[a-z0-9-]+$/);
    expect(new URL(visitor.url()).origin).toBe(origin);
    await visitor.context().clearCookies();
  }
  expect(offsite).toEqual([]);
  await fresh.close();
});
