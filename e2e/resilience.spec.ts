import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "./fixtures";
import { alertBox } from "./helpers";
import { seedHistory } from "./resilience-seed";

test.describe.configure({ timeout: 240_000 });

// Resilience over time as a person reads it: an experiment's history (chart and table), two
// executions compared (from the history and from an execution's page), the team's resilience
// page with the workloads its experiments cover, and a report downloaded as PDF and JSON.
// The executions are written to the database directly (their verdicts are what matters here;
// running experiments is tested in experiments.spec.ts).

test("an experiment's history as a chart and a table; two executions compared from the history and from an execution", async ({ page }) => {
  const { slug, experimentId, executions } = await seedHistory(page, "Margaret Hamilton");
  await page.goto(`/t/${slug}/experiments/${experimentId}`);
  const history = page.getByRole("region", { name: "Execution history" });
  const chart = history.getByTestId("history-chart");
  await expect(chart).toHaveAttribute("aria-label", "History of 3 executions; last score 100");
  // ECharts drew it: an SVG with the dots and bars.
  await expect(chart.locator("svg")).toBeVisible();
  await expect.poll(() => chart.locator("svg path").count()).toBeGreaterThan(6);
  await expect(history.getByRole("list", { name: "Verdict colours" })).toContainText("passed");
  await expect(history.getByRole("list", { name: "Verdict colours" })).toContainText("failed");
  const rows = history.locator("tbody tr");
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText("passed");
  await expect(rows.nth(0)).toContainText("100");
  await expect(rows.nth(2)).toContainText("50");

  const compare = history.getByRole("button", { name: "Compare" });
  await expect(compare).toBeDisabled();
  await rows.nth(0).getByRole("checkbox", { name: "Pick for comparison" }).check();
  await rows.nth(2).getByRole("checkbox", { name: "Pick for comparison" }).check();
  await compare.click();
  await page.waitForURL(/\/compare\?a=/);
  await expect(page.getByRole("heading", { name: "cart survives: two executions compared" })).toBeVisible();
  const summary = page.getByTestId("diff-summary");
  await expect(summary).toContainText("Verdict: failed → passed");
  await expect(summary).toContainText("Score: 50 → 100 (+50)");
  await expect(summary).toContainText("Duration: 1 min 35 s → 1 min 20 s (−15.0 s)");
  await expect(summary).toContainText("version 1 → 2");
  await expect(page.getByTestId("version-changes")).toContainText('Stage 1 "lose a cart pod" changed');
  await expect(summary).toContainText("Checks: 2 of 2 changed");
  const cart = page.getByTestId("check-diff").filter({ hasText: "cart available" });
  await expect(cart).toHaveAttribute("data-status", "changed");
  await expect(cart).toContainText("better");
  await expect(page.getByTestId("check-diff").filter({ hasText: "checkout" })).toContainText("passed 50 % → 100 %");

  // From an execution: compare with the one before it.
  await page.goto(`/t/${slug}/experiments/${experimentId}/executions/${executions[1]}`);
  await page.getByRole("link", { name: "compare with previous" }).click();
  await page.waitForURL(new RegExp(`/compare\\?a=${executions[0]}&b=${executions[1]}$`));
  await expect(page.getByTestId("diff-summary")).toContainText("Score: 50 → 40 (−10)");
  await expect(page.getByTestId("diff-summary")).toContainText("both ran version 1");
  // Failed both times, with fewer of its evaluations passing: the same outcome, its share shown.
  const checkoutRow = page.getByTestId("check-diff").filter({ hasText: "checkout" });
  await expect(checkoutRow).toHaveAttribute("data-status", "same");
  await expect(checkoutRow).toContainText("passed 50 % → 33 %");
  await expect(page.getByTestId("check-diff").filter({ hasText: "cart available" })).toHaveAttribute("data-status", "same");
  // The first execution has nothing before it.
  await page.goto(`/t/${slug}/experiments/${experimentId}/executions/${executions[0]}`);
  await expect(page.getByRole("heading", { name: "cart survives: execution" })).toBeVisible();
  await expect(page.getByRole("link", { name: "compare with previous" })).toHaveCount(0);
});

test("the team's resilience page: experiments by last verdict, the score trend, and the workloads covered and not", async ({ page }) => {
  const { slug } = await seedHistory(page, "Barbara Liskov");
  await page.goto(`/t/${slug}/experiments`);
  const nav = page.getByRole("navigation", { name: "Team" }).last();
  const labels = await nav.getByRole("link").allTextContents();
  expect(labels.indexOf("Resilience")).toBe(labels.indexOf("Experiments") + 1);
  await nav.getByRole("link", { name: "Resilience" }).click();
  await page.waitForURL(`**/t/${slug}/resilience`);
  await expect(page.getByRole("heading", { name: "Resilience", exact: true })).toBeVisible();
  await expect(page.getByTestId("verdict-group-passed")).toContainText("cart survives");
  await expect(page.getByTestId("score-trend")).toHaveAttribute("aria-label", /^Score over time: 3 executions/);
  await expect(page.getByTestId("score-trend").locator("svg")).toBeVisible();
  // The fault selects the cart's pods, the HTTP check goes through the frontend's service.
  const covered = page.getByTestId("covered");
  await expect(covered).toContainText("cart", { timeout: 60_000 });
  await expect(covered).toContainText("frontend");
  await expect(covered).toContainText("fault: pod-kill");
  const notCovered = page.getByTestId("not-covered");
  await expect(notCovered).toContainText("checkout");
  await expect(notCovered).toContainText("redis-cart");
  await expect(notCovered).not.toContainText("coredns");
  await expect(page.getByTestId("coverage-total")).toHaveText(/^2 of \d+ workloads covered$/);
});

test("a report of an execution and of a range, downloaded as PDF and as JSON", async ({ page }) => {
  const { slug, experimentId, executions, token } = await seedHistory(page, "Frances Allen");
  await page.goto(`/t/${slug}/experiments/${experimentId}/executions/${executions[2]}`);
  await page.getByRole("link", { name: "report", exact: true }).click();
  await page.waitForURL(new RegExp(`/reports\\?execution=${executions[2]}$`));
  const preview = page.frameLocator('[data-testid="report-preview"]');
  await expect(preview.getByRole("heading", { name: "cart survives: execution report" })).toBeVisible();
  await expect(preview.getByText("every check held")).toBeVisible();

  const [pdf] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-pdf").click()]);
  expect(pdf.suggestedFilename()).toMatch(/^pystol-report-cart-survives-\d{4}-\d{2}-\d{2}\.pdf$/);
  const pdfBytes = readFileSync((await pdf.path())!);
  expect(pdfBytes.subarray(0, 5).toString()).toBe("%PDF-");
  expect(pdfBytes.length).toBeGreaterThan(5_000);

  const [json] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-json").click()]);
  const report = JSON.parse(readFileSync((await json.path())!, "utf8")) as { schema: string; kind: string; execution: { id: string; verdict: string; score: number } };
  expect(report).toMatchObject({ schema: "pystol.report/v1", kind: "execution", execution: { id: executions[2], verdict: "passed", score: 100 } });

  // A range of the experiment, from the form.
  await page.getByRole("link", { name: "A report of a time range instead" }).click();
  await page.getByLabel("Experiment").selectOption({ label: "cart survives" });
  await page.getByLabel("From").fill(new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10));
  await page.getByRole("button", { name: "Show" }).click();
  await page.waitForURL(/experiment=.*&from=/);
  await expect(preview.getByRole("heading", { name: "cart survives: resilience report" })).toBeVisible();
  await expect(preview.getByText("Score over time")).toBeVisible();
  await expect(preview.locator("tbody tr")).toHaveCount(3);
  const [rangeJson] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-json").click()]);
  const range = JSON.parse(readFileSync((await rangeJson.path())!, "utf8")) as { kind: string; summary: { executions: number; meanScore: number } };
  expect(range).toMatchObject({ kind: "range", summary: { executions: 3, meanScore: 63.3 } });

  // The same from the command line: pystol experiments report <execution> -o <file>.
  const dir = mkdtempSync(path.join(os.tmpdir(), "pystol-report-"));
  const env = { NODE_ENV: "production" as const, PATH: process.env.PATH ?? "", HOME: dir, PYSTOL_CONFIG: path.join(dir, "config.json"), PYSTOL_SERVER: test.info().project.use.baseURL!, PYSTOL_TOKEN: token, PYSTOL_TEAM: slug };
  const cli = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, [path.join("cli", "bin.mjs"), ...args], { env, timeout: 180_000 }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr })),
    );
  const cliPdf = await cli(["experiments", "report", executions[0]!, "-o", path.join(dir, "report.pdf")]);
  expect(cliPdf, cliPdf.stderr).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Wrote the report of execution \S+ to .*report\.pdf \(PDF, \d+ bytes\)\n$/) });
  expect(readFileSync(path.join(dir, "report.pdf")).subarray(0, 5).toString()).toBe("%PDF-");
  const cliJson = await cli(["experiments", "report", executions[0]!]);
  expect(JSON.parse(cliJson.stdout)).toMatchObject({ kind: "execution", execution: { id: executions[0], verdict: "failed", score: 50 } });
  const missing = await cli(["experiments", "report", "cnosuchexecution000000000"]);
  expect(missing.code).toBe(3);
  expect(missing.stderr).toContain("No such execution in this team.");

  // A backwards range is refused with a sentence.
  await page.goto(`/t/${slug}/reports?from=2026-02-01&to=2026-01-01`);
  await expect(alertBox(page)).toHaveText("from must be before to.");
});
