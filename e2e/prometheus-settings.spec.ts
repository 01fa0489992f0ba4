import { startPrometheus, type TestPrometheus } from "@/lib/checks/testing/prometheus";
import { expect, test } from "./fixtures";
import { newAccount, signUp } from "./helpers";
import { setRole } from "./seed";

// The team's Prometheus in the settings: an admin sets it after testing it against a real
// Prometheus (Debian's), sees refusals in sentences (a bad URL, an address the operator does not
// allow, a token over plain http), and removes it; a member sees only where it points.

let prom: TestPrometheus;
test.beforeAll(async () => {
  prom = await startPrometheus();
});
test.afterAll(() => prom?.close());

test("an owner tests, sets, and removes the team's Prometheus; refusals are sentences; members see the host only", async ({ page, browser }) => {
  const owner = newAccount("Grace Prom");
  const slug = await signUp(page, owner);
  await page.goto(`/t/${slug}/settings`);
  const card = page.locator("section", { has: page.getByRole("heading", { name: "Prometheus" }) });
  await expect(card.getByTestId("prometheus-current")).toHaveText(/No Prometheus is set/);
  const url = card.getByLabel("Prometheus URL");
  const save = card.getByRole("button", { name: "Save" });
  const testButton = card.getByRole("button", { name: "Test connection" });

  // Not a URL Prometheus can be asked at: the field says why.
  await url.fill("ftp://prometheus.example.com");
  await save.click();
  await expect(card.getByText(/http:\/\/ or https:\/\/ address without credentials/).first()).toBeVisible();
  await expect(url).toHaveValue("ftp://prometheus.example.com");

  // A private address the operator has not allowed (only 127.0.0.1/32 is, in this stack).
  await url.fill("http://10.1.2.3:9090");
  await testButton.click();
  await expect(card.getByRole("alert")).toContainText("Prometheus at 10.1.2.3:9090 could not be used");
  await expect(card.getByRole("alert")).toContainText("PYSTOL_KUBE_ALLOWED_CIDRS");

  // A token is never sent over plain http.
  await url.fill(prom.url);
  await card.getByLabel("Bearer token (optional)").fill("very-secret-token");
  await testButton.click();
  await expect(card.getByRole("alert")).toContainText("a bearer token is only sent over https://");
  await expect(card.getByLabel("Bearer token (optional)")).toHaveValue("");

  // The real one answers.
  const host = new URL(prom.url).host;
  await url.fill(prom.url);
  await testButton.click();
  await expect(card.getByRole("status")).toContainText(`Prometheus at ${host} answered the query vector(1)`);
  await save.click();
  await expect(card.getByRole("status")).toContainText("Prometheus saved.");
  await expect(card.getByTestId("prometheus-current")).toContainText(`Connected to ${host}`);
  await expect(card.getByTestId("prometheus-current")).toContainText("no token");
  await expect(card.getByLabel("Prometheus URL")).toHaveCount(0);

  // A member sees where it points, and no form.
  const member = newAccount("Mel Member");
  const other = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const memberPage = await other.newPage();
  await signUp(memberPage, member);
  await setRole(slug, member.email, "MEMBER");
  await memberPage.goto(`/t/${slug}/settings`);
  const memberCard = memberPage.locator("section", { has: memberPage.getByRole("heading", { name: "Prometheus" }) });
  await expect(memberCard.getByTestId("prometheus-current")).toContainText(`Connected to ${host}`);
  await expect(memberCard.getByText("Only owners and admins can change the Prometheus connection.")).toBeVisible();
  await expect(memberCard.getByRole("button")).toHaveCount(0);
  await other.close();

  // Replace, then think better of it; then remove.
  await card.getByRole("button", { name: "Replace" }).click();
  await expect(card.getByLabel("Prometheus URL")).toHaveValue("");
  await card.getByRole("button", { name: "Cancel" }).click();
  await card.getByRole("button", { name: "Remove" }).click();
  await card.getByRole("button", { name: "Yes, remove" }).click();
  await expect(card.getByRole("status")).toHaveText("Prometheus removed.");
  await expect(card.getByTestId("prometheus-current")).toHaveText(/No Prometheus is set/);

  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("row").filter({ hasText: "Connected the team's Prometheus" })).toContainText("Grace Prom");
  await expect(page.getByRole("row").filter({ hasText: "Removed the team's Prometheus connection" })).toContainText("Grace Prom");
});
