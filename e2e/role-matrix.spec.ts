import type { APIRequestContext, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { alertBox, newAccount, signUp, teamApiRoutes, teamPages } from "./helpers";
import { countFor, createApiToken, setRole, type TeamRole } from "./seed";
import { secondBrowser } from "./team-pages";

// The role matrix at run time: every page and API route of a team (read from the app
// directory, so routes added later are covered) against each role, an outsider, and API
// tokens; plus forged server actions aimed at a team where the role does not allow them.
// (e2e/cross-team.spec.ts covers outsiders' page and GET visits; lib/tenancy/entry-gates.test.ts
// checks from the source that every action and handler declares its gate.)

const ROLES: TeamRole[] = ["OWNER", "ADMIN", "MEMBER", "VIEWER"];
const MADE_UP_ID = "cl0000000000000000000000";

// Pages whose answer per role is part of the product's promise.
const PAGE_EXPECTATIONS: Record<string, Record<TeamRole, number>> = {
  "": { OWNER: 200, ADMIN: 200, MEMBER: 200, VIEWER: 200 },
  "/settings": { OWNER: 200, ADMIN: 200, MEMBER: 200, VIEWER: 200 },
  "/settings/members": { OWNER: 200, ADMIN: 200, MEMBER: 200, VIEWER: 200 },
  "/settings/tokens": { OWNER: 200, ADMIN: 200, MEMBER: 403, VIEWER: 403 },
  "/settings/audit": { OWNER: 200, ADMIN: 200, MEMBER: 403, VIEWER: 403 },
};

const WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"] as const;

function call(req: APIRequestContext, method: string, url: string, token?: string) {
  return req.fetch(url, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    data: method === "GET" ? undefined : "{}",
    maxRedirects: 0,
  });
}

test("every page and API route answers each role as its permissions say, and outsiders 404", async ({
  page,
  browser,
}) => {
  test.setTimeout(900_000);
  const owner = newAccount("Olga Owner");
  const slug = await signUp(page, owner);
  const contexts: Record<TeamRole, Page> = { OWNER: page } as Record<TeamRole, Page>;
  const emails: Record<TeamRole, string> = { OWNER: owner.email } as Record<TeamRole, string>;
  let ip = 10;
  for (const role of ["ADMIN", "MEMBER", "VIEWER"] as const) {
    const { page: p } = await secondBrowser(browser, `10.253.0.${ip++}`);
    const acct = newAccount(`${role.toLowerCase()} person`);
    await signUp(p, acct);
    await setRole(slug, acct.email, role);
    contexts[role] = p;
    emails[role] = acct.email;
  }
  const { page: outsider } = await secondBrowser(browser, "10.253.0.99");
  const outsiderAccount = newAccount("Otto Outsider");
  const outsiderSlug = await signUp(outsider, outsiderAccount);

  const pages = teamPages();
  for (const path of Object.keys(PAGE_EXPECTATIONS)) expect(pages).toContain(path);
  for (const role of ROLES) {
    for (const path of pages) {
      const res = await contexts[role].request.get(`/t/${slug}${path}`, { maxRedirects: 0 });
      const status = res.status();
      const what = `${role} GET /t/[slug]${path}`;
      expect(status, what).toBeLessThan(500);
      if (PAGE_EXPECTATIONS[path]) expect(status, what).toBe(PAGE_EXPECTATIONS[path][role]);
      // A made-up object id is refused or not found; a page without one opens or is forbidden.
      else if (path.includes(MADE_UP_ID)) expect([403, 404], what).toContain(status);
      else expect([200, 403], what).toContain(status);
    }
  }

  const routes = teamApiRoutes();
  const counts = { invites: await countFor("Invite", slug), tokens: await countFor("ApiToken", slug) };
  // The calls for one route run together: each is independent and reads or is refused.
  for (const route of routes) {
    const url = `/api/v1/t/${slug}${route}`;
    await Promise.all([
      ...ROLES.map(async (role) => {
        const res = await call(contexts[role].request, "GET", url);
        expect(res.status(), `${role} GET ${url}`).toBeLessThan(500);
        if (!route.includes(MADE_UP_ID))
          expect([200, 403, 405], `${role} GET ${url}`).toContain(res.status());
      }),
      // Viewers change nothing through the API, whatever the method.
      ...WRITE_METHODS.map(async (method) => {
        const res = await call(contexts.VIEWER.request, method, url);
        expect([403, 404, 405], `VIEWER ${method} ${url}`).toContain(res.status());
      }),
      // An outsider's session learns nothing and changes nothing, whatever the method.
      ...["GET", ...WRITE_METHODS].map(async (method) => {
        const res = await call(outsider.request, method, url);
        expect([404, 405], `outsider ${method} ${url}`).toContain(res.status());
        expect(await res.text()).not.toContain("Olga");
      }),
    ]);
  }
  expect(await countFor("Invite", slug)).toBe(counts.invites);
  expect(await countFor("ApiToken", slug)).toBe(counts.tokens);

  // API tokens: another team's token answers 404 everywhere; a read token changes nothing.
  const { context: api } = await secondBrowser(browser, "10.253.0.100");
  const foreign = await createApiToken(outsiderSlug, outsiderAccount.email, ["read", "run"]);
  const readOnly = await createApiToken(slug, owner.email, ["read"]);
  const viewerRun = await createApiToken(slug, emails.VIEWER, ["read", "run"]);
  for (const route of routes) {
    const url = `/api/v1/t/${slug}${route}`;
    await Promise.all([
      ...["GET", ...WRITE_METHODS].map(async (method) => {
        const res = await call(api.request, method, url, foreign);
        expect([404, 405], `foreign token ${method} ${url}`).toContain(res.status());
      }),
      ...WRITE_METHODS.flatMap((method) =>
        [
          ["read-scoped token", readOnly],
          ["viewer's run token", viewerRun],
        ].map(async ([name, token]) => {
          const res = await call(api.request, method, url, token);
          expect([403, 404, 405], `${name} ${method} ${url}`).toContain(res.status());
        }),
      ),
    ]);
  }
  const own = await call(api.request, "GET", `/api/v1/t/${slug}`, readOnly);
  expect(own.status()).toBe(200);
});

// Each person submits a form of their own team with the team field changed to Olga's.
async function forge(page: Page, ownPath: string, targetSlug: string) {
  await page.goto(ownPath);
  await page
    .locator('input[name="slug"]')
    .first()
    .evaluate((el, s) => ((el as HTMLInputElement).value = s), targetSlug);
}

test("forged server actions: members and viewers are refused with a message, outsiders get 404, nothing changes", async ({
  page,
  browser,
}) => {
  test.setTimeout(300_000);
  const owner = newAccount("Olga Owner");
  const slug = await signUp(page, owner);
  const before = { invites: await countFor("Invite", slug), tokens: await countFor("ApiToken", slug) };

  for (const [role, ipSuffix] of [
    ["MEMBER", 1],
    ["VIEWER", 2],
    [null, 3],
  ] as const) {
    const { context, page: p } = await secondBrowser(browser, `10.254.0.${ipSuffix}`);
    const acct = newAccount(role ? `${role.toLowerCase()} person` : "Otto Outsider");
    const own = await signUp(p, acct);
    if (role) await setRole(slug, acct.email, role);

    await forge(p, `/t/${own}/settings/members`, slug);
    const invite = p.waitForResponse(
      (r) => r.request().method() === "POST" && Boolean(r.request().headers()["next-action"]),
    );
    await p.getByRole("button", { name: "Create invite link" }).click();
    if (role) {
      await expect(alertBox(p)).toHaveText("Your role in this team does not allow this.");
      await expect(p.getByLabel("Invitation link")).toHaveCount(0);
    } else expect((await invite).status()).toBe(404);

    await forge(p, `/t/${own}/settings/tokens`, slug);
    await p.getByLabel("Name").fill("stolen");
    const token = p.waitForResponse(
      (r) => r.request().method() === "POST" && Boolean(r.request().headers()["next-action"]),
    );
    await p.getByRole("button", { name: "Create token" }).click();
    if (role) {
      await expect(alertBox(p)).toHaveText("Your role in this team does not allow this.");
      await expect(p.getByLabel("New API token")).toHaveCount(0);
    } else expect((await token).status()).toBe(404);
    await context.close();
  }
  expect(await countFor("Invite", slug)).toBe(before.invites);
  expect(await countFor("ApiToken", slug)).toBe(before.tokens);
});
