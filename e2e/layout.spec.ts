import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { alertBox, newAccount, signUp } from "./helpers";
import { addSandboxCluster, setRole } from "./seed";

// What each role is shown, and layout that must not move under a person's pointer.

const box = async (l: Locator) => {
  const b = await l.boundingBox();
  expect(b, "element is on the page").not.toBeNull();
  return { x: Math.round(b!.x), y: Math.round(b!.y) };
};

/** The team menu's links, in order. */
const menu = (page: Page) => page.getByRole("navigation", { name: "Team" }).getByRole("link").allTextContents();

test("each role sees what it can do: a viewer has no Run in the menu and is told plainly on the run page", async ({ page, browser }) => {
  const ownerContext = await browser.newContext({ baseURL: test.info().project.use.baseURL, extraHTTPHeaders: { "x-forwarded-for": "10.252.0.1" } });
  const owner = await ownerContext.newPage();
  const slug = await signUp(owner, newAccount("Olive Owner"));
  await addSandboxCluster(owner, slug);
  expect(await menu(owner)).toEqual(["Overview", "Clusters", "Available actions", "Run", "Executed", "Experiments", "Resilience", "Schedules", "Settings"]);
  await owner.goto(`/t/${slug}`);
  await expect(owner.getByRole("heading", { name: "Next steps" })).toBeVisible();

  const viewer = newAccount("Victor Viewer");
  await signUp(page, viewer);
  await setRole(slug, viewer.email, "VIEWER");
  await page.goto(`/t/${slug}`);
  expect(await menu(page)).toEqual(["Overview", "Clusters", "Available actions", "Executed", "Experiments", "Resilience", "Schedules", "Settings"]);
  await expect(page.getByText("You are viewer of this team.")).toBeVisible();
  await expect(page.getByText(/pick an action/i)).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "What you can do here" })).toBeVisible();
  await expect(page.getByText("Starting runs needs the member role")).toBeVisible();
  // The actions catalog offers no run button to a viewer.
  await page.goto(`/t/${slug}/actions`);
  await expect(page.getByRole("heading", { name: "Kill pods" })).toBeVisible();
  await expect(page.getByRole("link", { name: /^Run / })).toHaveCount(0);
  // The run page by its address: a clear page, no empty form, and where to look instead.
  await page.goto(`/t/${slug}/run`);
  await expect(page.getByRole("heading", { name: "You can look, but not run" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Plan" })).toHaveCount(0);
  await page.getByRole("link", { name: "See the team's runs" }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${slug}/runs$`));

  // Made a member, the same person gets Run back.
  await setRole(slug, viewer.email, "MEMBER");
  await page.goto(`/t/${slug}`);
  expect(await menu(page)).toEqual(["Overview", "Clusters", "Available actions", "Run", "Executed", "Experiments", "Resilience", "Schedules", "Settings"]);
  await expect(page.getByRole("heading", { name: "Next steps" })).toBeVisible();
  await ownerContext.close();
});

test("the phone menu shows every page of the team at once", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const slug = await signUp(page, newAccount("Pia Phone"));
  const nav = page.getByRole("navigation", { name: "Team" });
  for (const name of ["Overview", "Clusters", "Available actions", "Run", "Executed", "Experiments", "Resilience", "Schedules", "Settings"]) {
    const link = nav.getByRole("link", { name, exact: true });
    await expect(link).toBeInViewport({ ratio: 1 });
  }
  // The header stays one line: the team name and the user menu share the 56 px bar.
  const header = page.locator("header").first();
  expect((await header.boundingBox())!.height).toBeLessThanOrEqual(57);
  await expect(page.getByTestId("user-menu")).toBeInViewport({ ratio: 1 });
  expect(slug).toBeTruthy();
});

test("buttons keep their place when a confirmation appears under them", async ({ page }) => {
  const slug = await signUp(page, newAccount("Steady Hand"));
  await page.goto(`/t/${slug}/clusters`);
  const sandbox = page.getByRole("button", { name: "Add a sandbox cluster" });
  const connect = page.getByRole("link", { name: "Connect a cluster" });
  const before = { sandbox: await box(sandbox), connect: await box(connect) };
  await sandbox.click();
  await expect(alertBox(page)).toContainText(/Sandbox cluster "[^"]+" is ready/, { timeout: 60_000 });
  expect({ sandbox: await box(sandbox), connect: await box(connect) }).toEqual(before);

  await page.goto(`/t/${slug}/runs`);
  const runAction = page.getByRole("link", { name: "Run an action" }).first();
  const title = page.getByRole("heading", { level: 1, name: "Executed" });
  const steady = { runAction: await box(runAction), title: await box(title) };
  await page.getByRole("button", { name: "Halt all runs" }).click();
  // The question takes the button's place; the row stays where it was, at desktop width too.
  await expect(page.getByRole("button", { name: "Halt all", exact: true })).toBeVisible();
  expect({ runAction: await box(runAction), title: await box(title) }).toEqual(steady);
  await page.setViewportSize({ width: 1440, height: 900 });
  const wide = { runAction: await box(runAction), title: await box(title) };
  await page.getByRole("button", { name: "Cancel" }).click();
  expect({ runAction: await box(runAction), title: await box(title) }).toEqual(wide);
  await page.getByRole("button", { name: "Halt all runs" }).click();
  expect({ runAction: await box(runAction), title: await box(title) }).toEqual(wide);
  await page.getByRole("button", { name: "Halt all", exact: true }).click();
  // With nothing in progress the answer says so; either way a message appears under the buttons.
  await expect(alertBox(page)).toContainText(/Halted|No run was in progress/);
  expect({ runAction: await box(runAction), title: await box(title) }).toEqual(wide);
});

test("after Start run the run page opens with its top in sight, not under the sticky header", async ({ page }) => {
  // A new visitor's path on a phone: the trial's guide sits above every page and the run form
  // is long, so the run page opens scrolled, to the content that changed.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/");
  await page.getByRole("button", { name: /Try it now/ }).click();
  await page.waitForURL(/\/t\/[^/]+\/clusters\/c[a-z0-9]+$/, { timeout: 60_000 });
  const [, , slug, , clusterId] = new URL(page.url()).pathname.split("/");
  await page.goto(`/t/${slug}/run?action=pod-kill&cluster=${clusterId}`);
  await page.getByLabel("Namespace").fill("shop");
  await page.getByLabel("Label selector").fill("app=cart");
  await page.getByRole("button", { name: "Plan" }).click();
  await expect(page.getByTestId("plan")).toBeVisible();
  await page.getByRole("button", { name: "Start run" }).click();
  await page.waitForURL(/\/runs\/c[a-z0-9]+$/);
  await expect(page.getByRole("heading", { level: 1, name: "Kill pods" })).toBeInViewport({ ratio: 1 });
  // The page opens at its top: nothing of it (the trial banner, the guide, the title) is
  // hidden behind the header. It used to open scrolled to the run's log.
  const { scrollY, contentTop, headerBottom } = await page.evaluate(() => ({
    scrollY: window.scrollY,
    contentTop: document.querySelector("main")!.firstElementChild!.getBoundingClientRect().top,
    headerBottom: document.querySelector("header")!.getBoundingClientRect().bottom,
  }));
  expect(contentTop, `the page is scrolled by ${scrollY} px`).toBeGreaterThanOrEqual(headerBottom);
});
