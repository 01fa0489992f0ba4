import { readdirSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { expect, type Page } from "@playwright/test";
import { E2E_MAIL_URL } from "./stack";

export interface Account {
  name: string;
  email: string;
  password: string;
}

export function newAccount(name = "Ada Lovelace"): Account {
  return { name, email: `${randomUUID().slice(0, 8)}@example.test`, password: "correct horse battery" };
}

/** The mail the stack sent to `address` so far (the local SMTP server of e2e/mail-sink-server.ts). */
export async function mailsTo(address: string): Promise<{ subject: string; text: string; links: string[] }[]> {
  const res = await fetch(`${E2E_MAIL_URL}/messages?to=${encodeURIComponent(address)}`);
  return (await res.json()) as { subject: string; text: string; links: string[] }[];
}

/** Waits for a mail to `address` with a link to `page` (e.g. "/verify-email/") and returns that link's path. */
export async function mailedLink(address: string, page: string, count = 1): Promise<string> {
  let link: string | undefined;
  await expect
    .poll(async () => {
      const links = (await mailsTo(address)).flatMap((m) => m.links).filter((l) => l.includes(page));
      link = links.length >= count ? links.at(-1) : undefined;
      return link !== undefined;
    })
    .toBe(true);
  const url = new URL(link!);
  return `${url.pathname}${url.search}`;
}

/**
 * Signs up as a person does: the form, the confirmation link from the mail, "Confirm my
 * address", then sign in; waits for the new team's overview and returns the team slug.
 */
export async function signUp(page: Page, account: Account): Promise<string> {
  await page.goto("/signup");
  await page.getByLabel("Name").fill(account.name);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("link-sent")).toContainText(account.email);
  await page.goto(await mailedLink(account.email, "/verify-email/"));
  await page.getByRole("button", { name: "Confirm my address" }).click();
  await page.waitForURL(/\/signin\?notice=confirmed/);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/t\/[a-z0-9-]+$/);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  return new URL(page.url()).pathname.split("/")[2]!;
}

/** Fills and submits the sign-in form (does not wait for where it leads). */
export async function signIn(page: Page, account: Pick<Account, "email" | "password">): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByTestId("user-menu").click();
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.waitForURL(/\/signin/);
}

/**
 * Every page under /t/[slug], read from the app directory so that a page added later is
 * covered by the cross-team test without editing it. Other dynamic segments get a made-up id.
 */
export function teamPages(): string[] {
  return findRoutes(path.join("app", "t", "[slug]"), /^page\.tsx?$/);
}

/** Every API route under /api/v1/t/[slug], read from the app directory like teamPages(). */
export function teamApiRoutes(): string[] {
  return findRoutes(path.join("app", "api", "v1", "t", "[slug]"), /^route\.ts$/);
}

function findRoutes(dir: string, file: RegExp): string[] {
  const root = path.join(process.cwd(), dir);
  const found: string[] = [];
  const walk = (dir: string, url: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isFile() && file.test(entry.name)) found.push(url);
      if (!entry.isDirectory() || entry.name.startsWith("_")) continue;
      // Route groups "(x)" add nothing to the URL; dynamic segments get a made-up id.
      const seg = /^\(.*\)$/.test(entry.name)
        ? ""
        : /^\[.*\]$/.test(entry.name)
          ? "/cl0000000000000000000000"
          : `/${entry.name}`;
      walk(path.join(dir, entry.name), `${url}${seg}`);
    }
  };
  walk(root, "");
  return found.sort();
}

/** The page's message box: an error (alert) or a confirmation (status), not Next.js's route announcer. */
export function alertBox(page: Page) {
  return page.locator('[role="alert"]:not(#__next-route-announcer__), [role="status"]');
}
