import { access, constants } from "node:fs/promises";
import type { Browser } from "playwright-core";
import { z } from "zod";
import { settingsFromEnv } from "@/lib/env/settings";
import { createLogger } from "@/lib/log";

// Reports as PDF, printed by the Chromium the project already runs its browser tests with
// (Debian's /usr/bin/chromium through playwright-core). Safe by construction: Chromium is
// given the report's HTML (renderReportHtml) and nothing else — no URL, every request it would
// make is refused, scripts are off — and it prints one report at a time: one browser, a short
// queue behind it, a deadline per report. A missing Chromium is a PdfUnavailableError (the
// routes answer 503 with its sentence).

const log = createLogger("reports");

const schema = z
  .object({
    // The Chromium binary: Debian's, as the browser tests use.
    PYSTOL_CHROMIUM_PATH: z.string().min(1).default("/usr/bin/chromium"),
    // One report's deadline, from its turn in the queue.
    PYSTOL_PDF_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(300_000).default(30_000),
    // Reports waiting behind the one printing; more are refused as busy.
    PYSTOL_PDF_QUEUE: z.coerce.number().int().min(0).max(100).default(8),
  })
  .transform((e) => ({ executablePath: e.PYSTOL_CHROMIUM_PATH, timeoutMs: e.PYSTOL_PDF_TIMEOUT_MS, maxQueued: e.PYSTOL_PDF_QUEUE, idleMs: 60_000 }));

/** The PDF printer's settings, validated once (an invalid value throws naming the variable); tests may change the object. */
export const pdfSettings = settingsFromEnv(schema);

// The flags STACK-NOTES gives for Debian's Chromium in this environment: headless, no
// sandbox (containers), and no background networking (the network is closed).
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-default-apps", "--disable-sync", "--no-first-run"];

export class PdfUnavailableError extends Error {
  constructor(
    readonly code: "no-chromium" | "busy" | "timeout" | "failed",
    message: string,
  ) {
    super(message);
  }
}

let browser: Promise<Browser> | null = null;
let idleTimer: NodeJS.Timeout | null = null;
let tail: Promise<unknown> = Promise.resolve();
let waiting = 0;

async function chromiumPresent(): Promise<boolean> {
  try {
    await access(pdfSettings().executablePath, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function openBrowser(): Promise<Browser> {
  if (!browser) {
    const { chromium } = await import("playwright-core");
    browser = chromium.launch({ executablePath: pdfSettings().executablePath, args: ARGS, timeout: pdfSettings().timeoutMs }).then((b) => {
      b.on("disconnected", () => {
        browser = null;
      });
      return b;
    });
    browser.catch(() => {
      browser = null;
    });
  }
  return browser;
}

async function printOnce(html: string, deadline: number): Promise<Buffer> {
  const b = await openBrowser();
  const context = await b.newContext({ javaScriptEnabled: false, offline: true });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(Math.max(1, deadline - Date.now()));
    // The document is whole; anything it would fetch is refused.
    await page.route("**/*", (route) => route.abort());
    await page.setContent(html, { waitUntil: "load" });
    await page.emulateMedia({ media: "print", colorScheme: "light" });
    return await page.pdf({ format: "A4", printBackground: true, preferCSSPageSize: true });
  } finally {
    await context.close().catch(() => undefined);
  }
}

function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new PdfUnavailableError("timeout", `The PDF took longer than ${Math.round(ms / 1000)} s to print; try again, or use the printable page.`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

function scheduleIdleClose(): void {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => void closePdfBrowser(), pdfSettings().idleMs);
  idleTimer.unref();
}

/** Prints a whole HTML document to PDF (A4, backgrounds kept); one at a time across this process. */
export async function htmlToPdf(html: string): Promise<Buffer> {
  if (!(await chromiumPresent())) {
    throw new PdfUnavailableError("no-chromium", `PDF export needs Chromium at ${pdfSettings().executablePath}, which this server does not have; use the printable page or the JSON export.`);
  }
  if (waiting >= pdfSettings().maxQueued) throw new PdfUnavailableError("busy", "Too many reports are being printed right now; try again in a minute.");
  waiting++;
  const turn = tail.then(async () => {
    waiting--;
    if (idleTimer) clearTimeout(idleTimer);
    try {
      return await withDeadline(printOnce(html, Date.now() + pdfSettings().timeoutMs), pdfSettings().timeoutMs);
    } catch (err) {
      if (err instanceof PdfUnavailableError) {
        // A stuck print leaves the browser suspect: start a fresh one next time.
        await closePdfBrowser();
        throw err;
      }
      log.warn({ err: err instanceof Error ? err.message : String(err) }, "printing a report failed");
      await closePdfBrowser();
      throw new PdfUnavailableError("failed", "Chromium could not print this report; try again, or use the printable page.");
    } finally {
      scheduleIdleClose();
    }
  });
  tail = turn.catch(() => undefined);
  return turn;
}

/** Closes the browser (idle, tests, shutdown). */
export async function closePdfBrowser(): Promise<void> {
  const b = browser;
  browser = null;
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
  if (b) await b.then((x) => x.close()).catch(() => undefined);
}
